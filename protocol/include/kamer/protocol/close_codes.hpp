#pragma once
// WebSocket close codes Kamer sends. 1000-1011 are RFC 6455; 4000-4999 are Kamer's own.
// Each close also carries its name as the close reason text. Listed in PROTOCOL.md.
#include <cstdint>
#include <string_view>

namespace kamer::protocol {

enum class CloseCode : std::uint16_t {
    normal = 1000,
    going_away = 1001,             // server shutting down: resume elsewhere
    protocol_error = 1002,
    unsupported_data = 1003,       // binary message: Kamer speaks JSON text only
    invalid_payload = 1007,        // e.g. invalid UTF-8 in a text message
    policy_violation = 1008,
    message_too_big = 1009,
    internal_error = 1011,
    try_again_later = 1013,        // the server cannot serve this session now: resume later
    organisation_unknown = 4001,   // trusted certificate, OIN not in the partner registry
    organisation_suspended = 4002, // OIN registered but suspended
    certificate_revoked = 4003,    // certificate revoked while connected (CRL reload)
    hello_timeout = 4004,          // no hello within the deadline
    hello_required = 4005,         // first message was not hello
    slow_consumer = 4008,          // did not read fast enough; resume later
    rate_limited = 4009,           // too many requests for too long
    too_many_connections = 4010,   // per-organisation connection cap
};

std::string_view to_string(CloseCode code);

}  // namespace kamer::protocol
