#pragma once
// A TCP relay on loopback between a client and kamerd, so that a test can cut the client's
// connections (as a failing network would) or let requests through while swallowing what the
// server answers (a reply lost on the way back), or pass on what the server sends at the pace of
// a slow line. TLS passes through it untouched.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kamer::test {

class TcpProxy {
public:
    explicit TcpProxy(std::uint16_t target_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    std::uint16_t port() const { return port_; }
    void cut();                           // closes every relayed connection now
    void swallow_replies(bool swallow);   // while true, server-to-client bytes are dropped
    // Server-to-client bytes pass at about this many per second from now on (0: no limit).
    void limit_replies(std::size_t bytes_per_second);
    std::size_t accepted() const { return accepted_; }

private:
    struct Pair;
    void accept_loop();
    void relay(std::shared_ptr<Pair> pair);

    std::uint16_t target_port_;
    std::uint16_t port_ = 0;
    int listen_fd_ = -1;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> swallow_{false};
    std::atomic<std::size_t> reply_rate_{0};
    std::atomic<std::size_t> accepted_{0};
    std::mutex mutex_;
    std::vector<std::shared_ptr<Pair>> pairs_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

}  // namespace kamer::test
