#pragma once
// Errors the client library raises.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kamer/protocol/error.hpp"

namespace kamer::client {

// The server answered a request with an error reply (or the library could not send it).
class RequestError : public std::runtime_error {
public:
    RequestError(protocol::ErrorCode code, std::string message, std::string path = {})
        : std::runtime_error(std::move(message)), code_(code), path_(std::move(path)) {}
    protocol::ErrorCode code() const noexcept { return code_; }
    const std::string& path() const noexcept { return path_; }

private:
    protocol::ErrorCode code_;
    std::string path_;
};

// Connecting failed before the server welcomed us. `stage` is one of "tcp", "tls",
// "websocket", "hello". When the server refused us, `close_code` holds its WebSocket close
// code (e.g. 4001 organisation_unknown) or the message holds the TLS alert it sent
// (e.g. "tlsv13 alert certificate required").
class ConnectError : public std::runtime_error {
public:
    ConnectError(std::string stage, std::string message, std::uint16_t close_code = 0)
        : std::runtime_error(stage + ": " + message), stage_(std::move(stage)), close_code_(close_code) {}
    const std::string& stage() const noexcept { return stage_; }
    std::uint16_t close_code() const noexcept { return close_code_; }

private:
    std::string stage_;
    std::uint16_t close_code_;
};

}  // namespace kamer::client
