#include "net/listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/connection_tracker.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace kamer::server::net {
namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, const ListenAddress& address, SessionServices& services,
                   std::function<TlsContext()> current_context)
    : io_(io), acceptor_(io), services_(services), current_context_(std::move(current_context)) {
    tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void Listener::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void Listener::stop() {
    asio::dispatch(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
}

asio::awaitable<void> Listener::accept_loop() {
    auto logger = log::get("net");
    auto& accepted = obs::metrics().counter("kamer_connections_accepted_total", "TCP connections accepted");
    while (acceptor_.is_open()) {
        auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
        if (ec) {
            // Out of descriptors or memory: back off instead of spinning.
            log::warn(*logger, "accept.failed", {{"error", ec.message()}});
            asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        boost::system::error_code ep_ec;
        auto remote = socket.remote_endpoint(ep_ec);
        if (ep_ec) continue;
        std::string address = remote.address().to_string();
        if (!services_.tracker.admit_connection(address)) {
            obs::metrics()
                .counter("kamer_refusals_total", "Connections refused, by stage and reason",
                         {{"stage", "accept"}, {"reason", "too_many_connections"}})
                .inc();
            log::warn(*logger, "connection.refused", {{"stage", "accept"}, {"reason", "too_many_connections"},
                                                       {"remote", address}});
            continue;  // the socket closes here
        }
        accepted.inc();
        socket.set_option(tcp::no_delay(true), ep_ec);
        try {
            std::make_shared<Session>(std::move(socket), current_context_(), address, services_)->start();
        } catch (const std::exception& e) {
            services_.tracker.release_connection(address);
            log::error(*logger, "session.start_failed", {{"what", e.what()}});
        }
    }
}

}  // namespace kamer::server::net
