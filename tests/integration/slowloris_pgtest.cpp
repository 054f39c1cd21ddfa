// Slowloris: a thousand connections that never start their TLS handshake, a hundred that send
// their ClientHello a byte at a time and twenty that finish TLS but trickle the HTTP upgrade.
// While they are held, a partner still connects and is answered within a second; the
// handshake deadline (limits.handshake_timeout_seconds, 5 s) then closes every one of them.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "harness.hpp"
#include "stored_rows.hpp"
#include "tcp_client.hpp"

#include "kamer/client/blocking_connection.hpp"

namespace kamer::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int stalled_count = 1000;
constexpr int trickling_count = 100;
constexpr int slow_header_count = 20;
constexpr auto handshake_deadline = 5s;  // the default of limits.handshake_timeout_seconds

// A connection that completes TLS with a partner certificate and then sends its upgrade
// request one byte per call of trickle().
class SlowHeaders {
public:
    SlowHeaders(std::uint16_t port) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        auto base = pki_dir() + "/orgs/gemeente";
        SSL_CTX_use_certificate_chain_file(ctx_, (base + ".pem").c_str());
        SSL_CTX_use_PrivateKey_file(ctx_, (base + ".key").c_str(), SSL_FILETYPE_PEM);
        fd_ = tcp_connect(port, "127.0.0.2");
        int flags = fcntl(fd_, F_GETFL);
        fcntl(fd_, F_SETFL, flags & ~O_NONBLOCK);
        ssl_ = SSL_new(ctx_);
        SSL_set_fd(ssl_, fd_);
        connected_ = SSL_connect(ssl_) == 1;
    }
    ~SlowHeaders() {
        SSL_free(ssl_);
        close(fd_);
        SSL_CTX_free(ctx_);
    }
    bool connected() const { return connected_; }
    // False once the server has closed the connection.
    bool trickle() {
        static const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                                           "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        char c = request[sent_++ % request.size()];
        return SSL_write(ssl_, &c, 1) == 1;
    }
    int fd() const { return fd_; }

private:
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    int fd_ = -1;
    bool connected_ = false;
    std::size_t sent_ = 0;
};

TEST(Slowloris, StalledAndTricklingHandshakesDoNotKeepAPartnerOut) {
    ASSERT_GE(raise_file_limit(), 2000u) << "too few file descriptors for this test";
    signal(SIGPIPE, SIG_IGN);  // writes to connections the server closed must fail, not kill us
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);

    // Attackers come from 127.0.0.2, the partner from 127.0.0.1: both below the address cap.
    std::vector<int> stalled;
    for (int i = 0; i < stalled_count; ++i) {
        int fd = tcp_connect(server.port(), "127.0.0.2");
        ASSERT_GE(fd, 0) << "connect " << i << " failed";
        stalled.push_back(fd);
    }
    std::vector<std::unique_ptr<SlowHeaders>> slow_headers;
    for (int i = 0; i < slow_header_count; ++i) {
        slow_headers.push_back(std::make_unique<SlowHeaders>(server.port()));
        ASSERT_TRUE(slow_headers.back()->connected());
    }
    auto hello = client_hello();
    std::vector<int> trickling;
    for (int i = 0; i < trickling_count; ++i) trickling.push_back(tcp_connect(server.port(), "127.0.0.2"));
    auto attack_started = Clock::now();

    // One byte every 100 ms on every trickling connection, until the server closes it.
    std::atomic<bool> stop{false};
    std::atomic<int> trickle_open{trickling_count + slow_header_count};
    std::vector<Clock::duration> trickle_closed_after(trickling_count + slow_header_count, Clock::duration::max());
    std::thread trickler([&] {
        for (std::size_t offset = 0; !stop && trickle_open > 0; ++offset) {
            for (std::size_t i = 0; i < trickling.size(); ++i) {
                if (trickle_closed_after[i] != Clock::duration::max()) continue;
                bool open = offset < hello.size() ? send_some(trickling[i], hello.substr(offset, 1))
                                                  : !closed_by_server(trickling[i]);
                if (!open || closed_by_server(trickling[i])) {
                    trickle_closed_after[i] = Clock::now() - attack_started;
                    --trickle_open;
                }
            }
            for (std::size_t i = 0; i < slow_headers.size(); ++i) {
                auto& at = trickle_closed_after[trickling.size() + i];
                if (at != Clock::duration::max()) continue;
                if (!slow_headers[i]->trickle()) {
                    at = Clock::now() - attack_started;
                    --trickle_open;
                }
            }
            std::this_thread::sleep_for(100ms);
        }
    });

    // While all of them are held: a partner connects, is greeted and answered within a second.
    std::this_thread::sleep_for(1s);
    for (int i = 0; i < 3; ++i) {
        auto t0 = Clock::now();
        client::BlockingConnection partner(client_options("gemeente", server.port()));
        partner.call(protocol::Ping{});
        auto took = Clock::now() - t0;
        EXPECT_LT(took, 1s) << "probe " << i << " took "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms";
        std::cout << "[ figures  ] probe " << i << " connected and answered in "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms while "
                  << stalled_count << " stalled and " << trickling_count + slow_header_count
                  << " trickling connections were held\n";
    }

    // The handshake deadline closes every one of them, trickling or not.
    auto limit = attack_started + handshake_deadline + 3s;
    std::vector<bool> closed(stalled.size(), false);
    int closed_count = 0;
    while (Clock::now() < limit && (closed_count < stalled_count || trickle_open > 0)) {
        for (std::size_t i = 0; i < stalled.size(); ++i)
            if (!closed[i] && closed_by_server(stalled[i])) closed[i] = true, ++closed_count;
        std::this_thread::sleep_for(50ms);
    }
    auto all_closed_after = Clock::now() - attack_started;
    stop = true;
    trickler.join();
    EXPECT_EQ(closed_count, stalled_count) << "stalled handshakes still open after the deadline";
    EXPECT_EQ(trickle_open.load(), 0) << "trickling handshakes still open after the deadline";
    for (auto after : trickle_closed_after)
        if (after != Clock::duration::max()) {
            EXPECT_GE(after, handshake_deadline - 1s) << "closed before its deadline";
        }
    std::cout << "[ figures  ] all " << stalled_count + trickling_count + slow_header_count
              << " attacking connections closed by the handshake deadline after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(all_closed_after).count() << " ms\n";
    EXPECT_TRUE(server.wait_for_log({"connection.refused", "\"reason\":\"handshake_timeout\""}));
    for (int fd : stalled) close(fd);
    for (int fd : trickling) close(fd);

    EXPECT_TRUE(server.running());
    EXPECT_NO_THROW(client::BlockingConnection(client_options("politie", server.port())).call(protocol::Ping{}));
    EXPECT_EQ(stored_rows(database), 0);
}

}  // namespace
}  // namespace kamer::test
