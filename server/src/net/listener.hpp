#pragma once
// Accepts TCP connections, applies the total and per-address caps, and starts a Session on a
// strand of its own with the TLS context current at that moment.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>

#include "app/config.hpp"
#include "net/session.hpp"
#include "net/tls_context.hpp"

namespace kamer::server::net {

class Listener {
public:
    Listener(boost::asio::io_context& io, const ListenAddress& address, SessionServices& services,
             std::function<TlsContext()> current_context);

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    void start();
    void stop();  // stops accepting; thread-safe

private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    SessionServices& services_;
    std::function<TlsContext()> current_context_;
};

}  // namespace kamer::server::net
