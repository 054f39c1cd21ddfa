#pragma once
// What every command runs with: the effective connection settings, the output mode, one
// connection made when first needed, and the partner registry for names and OINs.
#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "profile.hpp"

namespace kamer::cli {

// A mistake in how kamer was called: exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Context {
public:
    Context(Profile settings, bool json, std::string profiles_file)
        : settings_(std::move(settings)), json_(json), profiles_file_(std::move(profiles_file)) {}

    bool json() const { return json_; }
    const Profile& settings() const { return settings_; }
    const std::string& profiles_file() const { return profiles_file_; }

    // The settings as connection options; UsageError when certificate, key or CA are missing.
    client::ConnectOptions connect_options() const;
    client::BlockingConnection& connection();

    // Sends a typed request, after checking it as the server would (so that a malformed date
    // or id is a usage error, not a round trip). Throws UsageError, ConnectError, RequestError.
    template <class Request>
    typename Request::reply call(const Request& request) {
        check(protocol::encode_value(request), [](const boost::json::value& body) {
            protocol::Decoder().decode<Request>(body);
        });
        return connection().call(request);
    }

    // --json: a reply as one JSON document on standard output.
    template <class Reply>
    void print_json(const Reply& reply) const {
        std::cout << boost::json::serialize(protocol::encode_value(reply)) << "\n";
    }

    // "Politie Eenheid Den Haag" for an OIN (the OIN itself when the registry does not know it).
    std::string name_of(const std::string& oin);
    // An OIN from an OIN, a sector name or a unique, case-insensitive part of a name;
    // UsageError when none or several match.
    std::string resolve_organisation(const std::string& text);
    const std::vector<protocol::Partner>& registry();

private:
    static void check(const boost::json::value& body, const std::function<void(const boost::json::value&)>& decode);

    Profile settings_;
    bool json_;
    std::string profiles_file_;
    std::unique_ptr<client::BlockingConnection> connection_;
    std::optional<std::vector<protocol::Partner>> registry_;
};

}  // namespace kamer::cli
