#include "context.hpp"

#include <algorithm>
#include <cctype>

namespace kamer::cli {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string setting(const Profile& p, const std::string& key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
}

bool is_oin(const std::string& s) {
    return s.size() == 20 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
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
    if (colon == std::string::npos || colon == 0) throw UsageError("--server must be HOST:PORT, not '" + server + "'");
    o.host = server.substr(0, colon);
    try {
        std::size_t used = 0;
        int port = std::stoi(server.substr(colon + 1), &used);
        if (used != server.size() - colon - 1 || port <= 0 || port > 65535) throw std::out_of_range("port");
        o.port = static_cast<std::uint16_t>(port);
    } catch (const std::exception&) {
        throw UsageError("--server must be HOST:PORT, not '" + server + "'");
    }
    auto server_name = setting(settings_, "server_name");
    o.server_name = server_name.empty() ? "localhost" : server_name;
    for (const char* key : {"certificate", "key", "ca"})
        if (setting(settings_, key).empty())
            throw UsageError(std::string("no ") + key + " configured: give --" + key +
                             " or use a profile (kamer profile add NAME --certificate ... --key ... --ca ...)");
    o.certificate_file = setting(settings_, "certificate");
    o.private_key_file = setting(settings_, "key");
    o.ca_file = setting(settings_, "ca");
    o.crl_file = setting(settings_, "crl");
    o.client_name = "kamer-cli/0.1";
    auto actor = setting(settings_, "actor");
    auto function = setting(settings_, "actor_function");
    if (!function.empty() && actor.empty())
        throw UsageError("--actor-function needs --actor (your professional id) as well");
    if (!actor.empty()) {
        protocol::Actor a;
        a.id = actor;
        if (!function.empty()) a.function = function;
        o.actor = a;
    }
    return o;
}

void Context::check(const boost::json::value& body, const std::function<void(const boost::json::value&)>& decode) {
    try {
        decode(body);
    } catch (const protocol::ProtocolError& e) {
        // The path names the request field ("body.due"); options carry the same names.
        throw UsageError("invalid value: " + e.error().message);
    }
}

const std::vector<protocol::Partner>& Context::registry() {
    if (!registry_) registry_ = call(protocol::RegistryList{}).organisations;
    return *registry_;
}

std::string Context::name_of(const std::string& oin) {
    for (const auto& p : registry())
        if (p.oin == oin) return p.name;
    return oin;
}

std::string Context::resolve_organisation(const std::string& text) {
    if (is_oin(text)) return text;
    // A sector ("ggz") first, then a part of the name ("haaglanden").
    std::vector<const protocol::Partner*> matches;
    for (const auto& p : registry())
        if (lower(std::string(protocol::to_string(p.sector))) == lower(text)) matches.push_back(&p);
    if (matches.empty())
        for (const auto& p : registry())
            if (lower(p.name).find(lower(text)) != std::string::npos) matches.push_back(&p);
    if (matches.size() == 1) return matches.front()->oin;
    if (matches.empty()) throw UsageError("no organisation in the registry matches '" + text + "' (kamer registry lists them)");
    std::string names;
    for (const auto* m : matches) names += "\n  " + m->oin + "  " + m->name;
    throw UsageError("'" + text + "' matches several organisations; give one of these OINs:" + names);
}

}  // namespace kamer::cli
