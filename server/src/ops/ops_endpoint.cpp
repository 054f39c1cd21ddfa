#include "ops/ops_endpoint.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace kamer::server::ops {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

http::response<http::string_body> respond(const http::request<http::empty_body>& req,
                                          const std::function<Readiness()>& readiness) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    auto target = req.target();
    if (req.method() != http::verb::get) {
        res.result(http::status::method_not_allowed);
        res.body() = "GET only\n";
    } else if (target == "/healthz") {
        res.result(http::status::ok);
        res.body() = "ok\n";
    } else if (target == "/readyz") {
        auto r = readiness();
        res.result(r.ready ? http::status::ok : http::status::service_unavailable);
        res.body() = r.ready ? "ready\n" : "not ready: " + r.reason + "\n";
    } else if (target == "/metrics") {
        res.result(http::status::ok);
        res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
        res.body() = obs::metrics().render();
    } else {
        res.result(http::status::not_found);
        res.body() = "not found: /healthz /readyz /metrics\n";
    }
    res.prepare_payload();
    return res;
}

// One request per connection, bounded in size and time: this port is for monitoring only.
asio::awaitable<void> serve(tcp::socket socket, std::function<Readiness()> readiness) {
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(5));
    beast::flat_buffer buffer(8192);
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8192);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    auto res = respond(parser.get(), readiness);
    co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

OpsEndpoint::OpsEndpoint(asio::io_context& io, const ListenAddress& address, std::function<Readiness()> readiness)
    : io_(io), acceptor_(io), readiness_(std::move(readiness)) {
    tcp::endpoint ep(asio::ip::make_address(address.host), address.port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
}

void OpsEndpoint::start() { accept(); }

void OpsEndpoint::stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
}

std::uint16_t OpsEndpoint::port() const { return acceptor_.local_endpoint().port(); }

void OpsEndpoint::accept() {
    acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) asio::co_spawn(io_, serve(std::move(socket), readiness_), asio::detached);
        accept();
    });
}

}  // namespace kamer::server::ops
