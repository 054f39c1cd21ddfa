#pragma once
// A TLS stream that lets OpenSSL read and write the socket itself, waiting for readiness with
// Asio. Unlike asio::ssl::stream it owns no record buffers (asio's keeps two of 17 KiB per
// connection); with SSL_MODE_RELEASE_BUFFERS an idle connection holds almost nothing, which
// is what lets ten thousand idle partner connections fit in memory.
//
// Not thread-safe: like any Asio stream, use it from one strand. At most one read and one
// write may be outstanding, as Beast's websocket stream guarantees.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cerrno>
#include <memory>

namespace kamer::server::net {

class TlsStream {
public:
    using next_layer_type = boost::asio::ip::tcp::socket;
    using executor_type = next_layer_type::executor_type;

    TlsStream(next_layer_type socket, SSL_CTX* context);
    TlsStream(TlsStream&&) noexcept;
    TlsStream& operator=(TlsStream&&) = delete;
    ~TlsStream();

    executor_type get_executor() noexcept { return socket_.get_executor(); }
    next_layer_type& next_layer() noexcept { return socket_; }
    SSL* native_handle() noexcept { return ssl_; }

    template <class Token>
    auto async_handshake(Token&& token) {
        return run(std::forward<Token>(token), [this](std::size_t& n) {
            n = 0;
            return SSL_do_handshake(ssl_);
        });
    }

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        auto b = first_nonempty(buffers);
        return run(std::forward<Token>(token), [this, b](std::size_t& n) {
            if (b.size() == 0) return 1;  // a zero-byte read completes at once
            return SSL_read_ex(ssl_, b.data(), b.size(), &n);
        });
    }

    // Writes at most one TLS record. The data is copied (at most 16 KiB) so that a WebSocket
    // header and its payload leave in one record and one system call.
    template <class Buffers, class Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        std::size_t size = std::min<std::size_t>(boost::asio::buffer_size(buffers), max_record);
        std::shared_ptr<char[]> copy(new char[size ? size : 1]);
        boost::asio::buffer_copy(boost::asio::buffer(copy.get(), size), buffers);
        return run(std::forward<Token>(token), [this, copy, size](std::size_t& n) {
            if (size == 0) return 1;
            return SSL_write_ex(ssl_, copy.get(), size, &n);
        });
    }

    // Sends close_notify; does not wait for the peer's.
    template <class Token>
    auto async_shutdown(Token&& token) {
        return run(std::forward<Token>(token), [this](std::size_t& n) {
            n = 0;
            int r = SSL_shutdown(ssl_);
            return r < 0 ? r : 1;
        });
    }

private:
    static constexpr std::size_t max_record = 16 * 1024;

    template <class Buffers>
    static boost::asio::mutable_buffer first_nonempty(const Buffers& buffers) {
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
             ++it) {
            boost::asio::mutable_buffer b(*it);
            if (b.size() > 0) return b;
        }
        return {};
    }

    // Maps an OpenSSL result to an error code; sets `wait` when the socket must become ready.
    boost::system::error_code classify(int result, boost::asio::socket_base::wait_type& wait, bool& retry);

    // Runs `attempt` until it completes, waiting on the socket when OpenSSL wants to read or
    // write. Completes through the executor, never inside the initiating call.
    template <class Token, class Attempt>
    auto run(Token&& token, Attempt attempt) {
        enum class Stage { start, waiting, done };
        return boost::asio::async_compose<Token, void(boost::system::error_code, std::size_t)>(
            [this, attempt, stage = Stage::start, n = std::size_t(0),
             result = boost::system::error_code()](auto& self, boost::system::error_code ec = {}) mutable {
                if (stage == Stage::done) return self.complete(result, n);
                if (ec) return self.complete(ec, 0);
                // OpenSSL keeps the descriptor number after the socket is closed (a timeout,
                // a revocation); the number may already belong to another connection.
                if (!socket_.is_open()) return self.complete(boost::asio::error::bad_descriptor, 0);
                ERR_clear_error();
                errno = 0;
                int r = attempt(n);
                boost::asio::socket_base::wait_type wait{};
                bool retry = false;
                result = classify(r, wait, retry);
                if (retry) {
                    stage = Stage::waiting;
                    return socket_.async_wait(wait, std::move(self));
                }
                if (result) n = 0;
                if (stage == Stage::waiting) return self.complete(result, n);
                stage = Stage::done;
                boost::asio::post(socket_.get_executor(), std::move(self));
            },
            token, socket_);
    }

    next_layer_type socket_;
    SSL* ssl_;
};

// Beast's websocket stream closes the transport through these (found by argument lookup).
void teardown(boost::beast::role_type role, TlsStream& stream, boost::system::error_code& ec);

template <class Handler>
void async_teardown(boost::beast::role_type, TlsStream& stream, Handler&& handler) {
    stream.async_shutdown([&stream, h = std::forward<Handler>(handler)](boost::system::error_code, std::size_t) mutable {
        boost::system::error_code ignored;
        stream.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
        stream.next_layer().close(ignored);
        std::move(h)(boost::system::error_code());
    });
}

}  // namespace kamer::server::net
