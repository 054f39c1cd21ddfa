#pragma once
// A WebSocket client that writes frames byte by byte over mutual TLS, for the protocol cases
// a correct client library can never produce (reserved bits, unknown opcodes, unmasked or
// oversized frames, invalid UTF-8, bad close codes).
#include <openssl/ssl.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kamer::test {

namespace opcode {
constexpr std::uint8_t continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA;
constexpr std::uint8_t fin = 0x80, rsv1 = 0x40, rsv2 = 0x20, rsv3 = 0x10;
}  // namespace opcode

struct Frame {
    std::uint8_t first = 0;  // FIN, RSV and opcode as sent
    std::string payload;
    std::uint8_t op() const { return first & 0x0f; }
};

// How the server ended the connection.
struct Ending {
    bool close_frame = false;  // it sent a close frame (then `code` and `reason` hold its content)
    int code = 0;              // 0: close frame without a code, or the TCP connection just ended
    std::string reason;
    bool timed_out = false;    // still open after the timeout
    std::chrono::milliseconds after{0};  // from the call until the end
};

class RawWebSocket {
public:
    // Connects as the test PKI's organisation `org` and upgrades with subprotocol kamer.v1;
    // `extra_headers` ("Name: value\r\n" lines) go into the upgrade request. Throws
    // std::runtime_error when the TLS handshake or the upgrade fails.
    RawWebSocket(std::uint16_t port, const std::string& org, const std::string& extra_headers = {});
    ~RawWebSocket();
    RawWebSocket(const RawWebSocket&) = delete;
    RawWebSocket& operator=(const RawWebSocket&) = delete;

    const std::string& upgrade_response() const { return response_; }

    // One frame: `first` is FIN|RSV|opcode; a client must mask, `masked` false breaks that rule.
    // `declared_length` claims a payload length other than the real one (nullopt: the real one).
    void send_frame(std::uint8_t first, std::string_view payload, bool masked = true,
                    std::optional<std::uint64_t> declared_length = {});
    void send_text(std::string_view text) { send_frame(opcode::fin | opcode::text, text); }
    // Sends hello and waits for the welcome.
    void greet();

    // The next frame from the server, or nullopt when none arrives in time or the connection ended.
    std::optional<Frame> read_frame(std::chrono::milliseconds timeout);
    // Reads (and drops) frames until the server closes, or `timeout` passes.
    Ending wait_for_close(std::chrono::milliseconds timeout);
    // Shuts the socket, then ends the TCP connection with a reset, as a cut-off network does.
    void reset();

private:
    bool fill(std::size_t bytes, std::chrono::steady_clock::time_point deadline);
    void write(std::string_view bytes);

    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    int fd_ = -1;
    bool ended_ = false;
    std::string response_;
    std::string in_;  // bytes read but not consumed
};

// The close code in a close frame's payload (0 when it has none).
int close_code_of(const Frame& frame);

}  // namespace kamer::test
