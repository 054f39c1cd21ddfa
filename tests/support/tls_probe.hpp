#pragma once
// A bare OpenSSL client for testing what the server's TLS layer does with certificates the
// client library would never send (none at all, weak keys, CA certificates, long chains).
#include <cstdint>
#include <string>
#include <vector>

namespace kamer::test {

struct ProbeResult {
    bool upgraded = false;  // the server answered the WebSocket upgrade: the certificate was accepted
    std::string error;      // OpenSSL's reason for the failure, e.g. "tlsv13 alert certificate required"
    std::string protocol;   // negotiated TLS version when the handshake completed
    std::vector<std::string> named_cas;  // the CAs the server's certificate request named (RFC 2253)
};

// Connects to 127.0.0.1:port presenting `chain`/`key` (none when empty) at OpenSSL security
// level `security_level`, and tries a WebSocket upgrade with subprotocol kamer.v1.
ProbeResult tls_probe(std::uint16_t port, const std::string& chain = {}, const std::string& key = {},
                      int security_level = 1, int max_version = 0);

}  // namespace kamer::test
