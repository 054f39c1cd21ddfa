#include "tcp_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace kamer::test {

struct TcpProxy::Pair {
    int client = -1;
    int server = -1;
    std::atomic<bool> cut{false};
};

namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    return addr;
}

bool send_all(int fd, const char* data, std::size_t n) {
    while (n > 0) {
        ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
        if (sent <= 0) return false;
        data += sent;
        n -= static_cast<std::size_t>(sent);
    }
    return true;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto addr = loopback(0);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
        throw std::runtime_error("proxy cannot listen");
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
    stopping_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    cut();
    for (auto& t : threads_) t.join();
}

void TcpProxy::cut() {
    std::lock_guard lock(mutex_);
    for (auto& p : pairs_) {
        p->cut = true;
        ::shutdown(p->client, SHUT_RDWR);
        ::shutdown(p->server, SHUT_RDWR);
    }
    pairs_.clear();
}

void TcpProxy::swallow_replies(bool swallow) { swallow_ = swallow; }

void TcpProxy::limit_replies(std::size_t bytes_per_second) { reply_rate_ = bytes_per_second; }

void TcpProxy::accept_loop() {
    for (;;) {
        int client = ::accept(listen_fd_, nullptr, nullptr);
        if (client < 0) return;  // shut down
        if (stopping_) {
            ::close(client);
            return;
        }
        int server = ::socket(AF_INET, SOCK_STREAM, 0);
        auto addr = loopback(target_port_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(server);
            ::close(client);  // the server is down: so is the connection, as without a proxy
            continue;
        }
        ++accepted_;
        auto pair = std::make_shared<Pair>();
        pair->client = client;
        pair->server = server;
        std::lock_guard lock(mutex_);
        pairs_.push_back(pair);
        threads_.emplace_back([this, pair] { relay(pair); });
    }
}

void TcpProxy::relay(std::shared_ptr<Pair> pair) {
    char buf[16384];
    pollfd fds[2] = {{pair->client, POLLIN, 0}, {pair->server, POLLIN, 0}};
    while (!pair->cut) {
        if (::poll(fds, 2, 100) < 0) break;
        bool done = false;
        for (int i = 0; i < 2 && !done; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = ::recv(fds[i].fd, buf, sizeof buf, 0);
            if (n <= 0) {
                done = true;
                break;
            }
            bool to_client = i == 1;
            if (to_client && swallow_) continue;
            if (!send_all(fds[1 - i].fd, buf, static_cast<std::size_t>(n))) done = true;
            if (std::size_t rate = reply_rate_; to_client && rate > 0)
                std::this_thread::sleep_for(std::chrono::microseconds(n * 1000000 / static_cast<ssize_t>(rate)));
        }
        if (done) break;
    }
    {
        // Out of the list before the descriptors are closed: cut() must never shut down a
        // number the system has given to something else meanwhile.
        std::lock_guard lock(mutex_);
        std::erase(pairs_, pair);
    }
    ::close(pair->client);
    ::close(pair->server);
}

}  // namespace kamer::test
