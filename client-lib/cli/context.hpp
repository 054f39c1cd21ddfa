#pragma once
// What every command runs with: the effective connection settings, the output mode, one
// connection made when first needed, and the partner registry for names and OINs.
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "kamer/client/blocking_connection.hpp"
#include "profile.hpp"

namespace kamer::cli {

// A mistake in how kamer was called: exit code 2 with the command's usage.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Context {
public:
    Context(Profile settings, bool json, std::string profiles_file)
        : settings_(std::move(settings)), json_(json), profiles_file_(std::move(profiles_file)) {}

    bool json() const { return json_; }
    const std::string& profiles_file() const { return profiles_file_; }
    // The settings as connection options; UsageError when certificate, key or CA are missing.
    client::ConnectOptions connect_options() const;

    // Sends a request (connecting first if needed); the reply body. Throws RequestError.
    boost::json::object request(const std::string& type, boost::json::object body);
    client::BlockingConnection& connection();

    // "Politie Eenheid Den Haag" for an OIN (the OIN itself when unknown).
    std::string name_of(const std::string& oin);
    // An OIN from an OIN, or from a unique, case-insensitive part of an organisation's name
    // or its sector; UsageError when none or several match.
    std::string resolve_organisation(const std::string& text);

private:
    const std::map<std::string, std::pair<std::string, std::string>>& registry();  // oin -> (name, sector)

    Profile settings_;
    bool json_;
    std::string profiles_file_;
    std::unique_ptr<client::BlockingConnection> connection_;
    std::optional<std::map<std::string, std::pair<std::string, std::string>>> registry_;
};

}  // namespace kamer::cli
