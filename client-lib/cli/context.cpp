#include "context.hpp"

#include <algorithm>
#include <cctype>

namespace kamer::cli {
namespace json = boost::json;

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string setting(const Profile& p, const std::string& key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
}

}  // namespace

client::BlockingConnection& Context::connection() {
    if (!connection_) connection_ = std::make_unique<client::BlockingConnection>(connect_options());
    return *connection_;
}

client::ConnectOptions Context::connect_options() const {
    client::ConnectOptions o;
    auto server = setting(settings_, "server");
    if (server.empty()) server = "127.0.0.1:8443";
    auto colon = server.rfind(':');
    if (colon == std::string::npos) throw UsageError("server must be HOST:PORT, not '" + server + "'");
    o.host = server.substr(0, colon);
    try {
        int port = std::stoi(server.substr(colon + 1));
        if (port <= 0 || port > 65535) throw std::out_of_range("port");
        o.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        throw UsageError("server must be HOST:PORT, not '" + server + "'");
    }
    o.server_name = setting(settings_, "server_name").empty() ? "localhost" : setting(settings_, "server_name");
    for (const char* key : {"certificate", "key", "ca"})
        if (setting(settings_, key).empty())
            throw UsageError(std::string("no ") + key + " configured: use --" + key +
                             " or a profile (kamer profile add NAME --certificate ... --key ... --ca ...)");
    o.certificate_file = setting(settings_, "certificate");
    o.private_key_file = setting(settings_, "key");
    o.ca_file = setting(settings_, "ca");
    o.crl_file = setting(settings_, "crl");
    o.client_name = "kamer-cli/0.1";
    if (auto actor = setting(settings_, "actor"); !actor.empty()) {
        protocol::Actor a;
        a.id = actor;
        if (auto function = setting(settings_, "actor_function"); !function.empty()) a.function = function;
        o.actor = a;
    }
    return o;
}

json::object Context::request(const std::string& type, json::object body) {
    return connection().call_raw(type, std::move(body)).body.as_object();
}

const std::map<std::string, std::pair<std::string, std::string>>& Context::registry() {
    if (!registry_) {
        registry_.emplace();
        auto reply = request("registry.list", {});
        for (const auto& o : reply.at("organisations").as_array()) {
            const auto& org = o.as_object();
            (*registry_)[json::value_to<std::string>(org.at("oin"))] = {json::value_to<std::string>(org.at("name")),
                                                                        json::value_to<std::string>(org.at("sector"))};
        }
    }
    return *registry_;
}

std::string Context::name_of(const std::string& oin) {
    auto it = registry().find(oin);
    return it == registry().end() ? oin : it->second.first;
}

std::string Context::resolve_organisation(const std::string& text) {
    bool is_oin = text.size() == 20 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
    if (is_oin) return text;
    // A sector name ("ggz") first, then a part of the name ("haaglanden").
    std::vector<std::string> matches;
    for (const auto& [oin, info] : registry())
        if (lower(info.second) == lower(text)) matches.push_back(oin);
    if (matches.empty())
        for (const auto& [oin, info] : registry())
            if (lower(info.first).find(lower(text)) != std::string::npos) matches.push_back(oin);
    if (matches.size() == 1) return matches.front();
    if (matches.empty()) throw UsageError("no organisation in the registry matches '" + text + "' (kamer registry lists them)");
    std::string names;
    for (const auto& m : matches) names += "\n  " + m + "  " + registry().at(m).first;
    throw UsageError("'" + text + "' matches several organisations; give one of these OINs:" + names);
}

}  // namespace kamer::cli
