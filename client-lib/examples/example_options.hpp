#pragma once
// Command-line handling shared by the examples: --name value pairs, plus positional words.
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "kamer/client/session.hpp"

namespace kamer::examples {

struct Arguments {
    std::map<std::string, std::string> named;
    std::vector<std::string> positional;

    std::string get(const std::string& name, const std::string& fallback = {}) const {
        auto it = named.find(name);
        return it == named.end() ? fallback : it->second;
    }
};

inline Arguments parse(int argc, char** argv, const char* usage) {
    Arguments a;
    for (int i = 1; i < argc; ++i) {
        std::string word = argv[i];
        if (word == "--help" || word == "-h") {
            std::cout << usage;
            std::exit(0);
        }
        if (word.rfind("--", 0) == 0) {
            if (i + 1 >= argc) {
                std::cerr << "missing value for " << word << "\n" << usage;
                std::exit(2);
            }
            a.named[word.substr(2)] = argv[++i];
        } else {
            a.positional.push_back(word);
        }
    }
    for (const char* required : {"certificate", "key", "ca"})
        if (!a.named.count(required)) {
            std::cerr << "--" << required << " is required\n" << usage;
            std::exit(2);
        }
    return a;
}

// --server host:port (default 127.0.0.1:8443), --certificate, --key, --ca, --actor.
inline client::SessionOptions session_options(const Arguments& a, const std::string& client_name) {
    client::SessionOptions o;
    auto server = a.get("server", "127.0.0.1:8443");
    auto colon = server.rfind(':');
    o.connect.host = server.substr(0, colon);
    o.connect.port = static_cast<std::uint16_t>(std::stoi(server.substr(colon + 1)));
    o.connect.server_name = a.get("server-name", "localhost");
    o.connect.certificate_file = a.get("certificate");
    o.connect.private_key_file = a.get("key");
    o.connect.ca_file = a.get("ca");
    o.connect.client_name = client_name;
    if (a.named.count("actor")) o.connect.actor = protocol::Actor{a.get("actor"), {}, {}, {}};
    o.on_state = [](const std::string& state, const std::string& detail) {
        std::cerr << "[" << state << "] " << detail << "\n";
    };
    return o;
}

}  // namespace kamer::examples
