#include "raw_websocket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <thread>

#include "harness.hpp"

namespace kamer::test {
namespace {

std::string openssl_error() {
    char buf[256] = "connection closed";
    if (unsigned long e = ERR_get_error()) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

void set_receive_timeout(int fd, std::chrono::steady_clock::duration left) {
    auto us = std::max<long long>(1000, std::chrono::duration_cast<std::chrono::microseconds>(left).count());
    timeval tv{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

}  // namespace

RawWebSocket::RawWebSocket(std::uint16_t port, const std::string& org, const std::string& extra_headers) {
    // A server that refuses a frame may close while we are still writing: that must be a
    // failed write, not SIGPIPE ending the test.
    std::signal(SIGPIPE, SIG_IGN);
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_file(ctx_, (pki_dir() + "/ca-bundle.pem").c_str());
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    auto base = pki_dir() + "/orgs/" + org;
    if (SSL_CTX_use_certificate_chain_file(ctx_, (base + ".pem").c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, (base + ".key").c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("cannot load " + base + ": " + openssl_error());
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    set_receive_timeout(fd_, std::chrono::seconds(10));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("tcp connect failed");
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) throw std::runtime_error("TLS handshake failed: " + openssl_error());
    write("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          "Sec-WebSocket-Protocol: kamer.v1\r\n" +
          extra_headers + "\r\n");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
        if (!fill(in_.size() + 1, deadline)) throw std::runtime_error("no upgrade response: " + in_);
    response_ = in_.substr(0, end + 4);
    in_.erase(0, end + 4);
    if (response_.rfind("HTTP/1.1 101", 0) != 0) throw std::runtime_error("upgrade refused: " + response_);
}

RawWebSocket::~RawWebSocket() {
    if (ssl_) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
    SSL_CTX_free(ctx_);
}

void RawWebSocket::reset() {
    ::shutdown(fd_, SHUT_RDWR);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    linger abort{1, 0};  // close(2) then sends RST instead of FIN
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    close(fd_);
    fd_ = -1;
    ended_ = true;
}

void RawWebSocket::write(std::string_view bytes) {
    while (!bytes.empty()) {
        int n = SSL_write(ssl_, bytes.data(), static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
        if (n <= 0) throw std::runtime_error("write failed: " + openssl_error());
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

void RawWebSocket::send_frame(std::uint8_t first, std::string_view payload, bool masked,
                              std::optional<std::uint64_t> declared_length) {
    std::uint64_t length = declared_length.value_or(payload.size());
    std::string frame(1, static_cast<char>(first));
    std::uint8_t mask_bit = masked ? 0x80 : 0;
    if (length < 126) {
        frame += static_cast<char>(mask_bit | length);
    } else if (length <= 0xffff) {
        frame += static_cast<char>(mask_bit | 126);
        for (int shift = 8; shift >= 0; shift -= 8) frame += static_cast<char>((length >> shift) & 0xff);
    } else {
        frame += static_cast<char>(mask_bit | 127);
        for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((length >> shift) & 0xff);
    }
    const unsigned char key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked) frame.append(reinterpret_cast<const char*>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        frame += static_cast<char>(masked ? payload[i] ^ key[i % 4] : payload[i]);
    write(frame);
}

void RawWebSocket::greet() {
    send_text(R"({"type":"hello","id":"h","body":{"client":"raw-websocket"}})");
    auto welcome = read_frame(std::chrono::seconds(5));
    if (!welcome || welcome->payload.find("\"welcome\"") == std::string::npos)
        throw std::runtime_error("no welcome: " + (welcome ? welcome->payload : std::string("nothing")));
}

bool RawWebSocket::fill(std::size_t bytes, std::chrono::steady_clock::time_point deadline) {
    char buf[16384];
    while (in_.size() < bytes && !ended_) {
        auto left = deadline - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero()) return false;
        set_receive_timeout(fd_, left);
        int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            in_.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        int error = SSL_get_error(ssl_, n);
        if (error == SSL_ERROR_WANT_READ && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        ERR_clear_error();
        ended_ = true;  // close_notify, a reset or the end of the TCP stream
    }
    return in_.size() >= bytes;
}

std::optional<Frame> RawWebSocket::read_frame(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!fill(2, deadline)) return std::nullopt;
    auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(in_[i]); };
    std::size_t header = 2;
    std::uint64_t length = byte(1) & 0x7f;
    if (length >= 126) {
        std::size_t extra = length == 126 ? 2 : 8;
        if (!fill(2 + extra, deadline)) return std::nullopt;
        length = 0;
        for (std::size_t i = 0; i < extra; ++i) length = (length << 8) | byte(2 + i);
        header += extra;
    }
    if (!fill(header + length, deadline)) return std::nullopt;  // servers never mask
    Frame frame{byte(0), in_.substr(header, length)};
    in_.erase(0, header + length);
    return frame;
}

Ending RawWebSocket::wait_for_close(std::chrono::milliseconds timeout) {
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + timeout;
    Ending ending;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto frame = read_frame(std::max(left, std::chrono::milliseconds(0)));
        ending.after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        if (!frame) {
            ending.timed_out = !ended_;
            return ending;
        }
        if (frame->op() == opcode::close) {
            ending.close_frame = true;
            ending.code = close_code_of(*frame);
            if (frame->payload.size() > 2) ending.reason = frame->payload.substr(2);
            return ending;
        }
    }
}

int close_code_of(const Frame& frame) {
    if (frame.payload.size() < 2) return 0;
    return (static_cast<std::uint8_t>(frame.payload[0]) << 8) | static_cast<std::uint8_t>(frame.payload[1]);
}

}  // namespace kamer::test
