#pragma once
// The error catalogue: every error a peer can receive has a stable code from this list.
// Codes are part of the wire protocol (PROTOCOL.md); never renumber or rename one.
#include <stdexcept>
#include <string>
#include <string_view>

namespace kamer::protocol {

enum class ErrorCode {
    // Input that does not decode.
    malformed_json,
    too_large,
    too_deep,
    not_an_object,
    unknown_type,
    missing_field,
    unknown_field,
    wrong_type,
    invalid_value,
    too_long,
    too_many,
    // Session.
    hello_required,
    already_greeted,
    rate_limited,
    // Authorisation and state.
    forbidden,
    not_found,
    conflict,
    invalid_transition,
    stale_version,
    idempotency_conflict,
    // Server and transport.
    unavailable,
    outcome_unknown,
    internal,
    // Client library only: never sent by a server.
    queue_full,
    disconnected,
    timeout,
};

std::string_view to_string(ErrorCode code);
// Returns false when the name is not a known code (a newer server); `out` is then unchanged.
bool from_string(std::string_view name, ErrorCode& out);

// A field name from the network made safe to echo in an error: printable ASCII only (anything
// else becomes '?'), at most 64 bytes, so error replies always encode as valid text.
std::string printable_key(std::string_view key);

// A decode or protocol error: code, the JSON path it concerns (may be empty) and a readable text.
struct Error {
    ErrorCode code;
    std::string path;
    std::string message;
};

class ProtocolError : public std::runtime_error {
public:
    explicit ProtocolError(Error e) : std::runtime_error(e.message), error_(std::move(e)) {}
    const Error& error() const noexcept { return error_; }

private:
    Error error_;
};

}  // namespace kamer::protocol
