#pragma once
// The operations listener: plain HTTP on a loopback address for the machine's own monitoring.
// GET /healthz (the process serves), /readyz (it can do its work: database reachable, schema
// current, not shutting down) and /metrics (Prometheus text format). Nothing else is served;
// nothing here reveals case information.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <string>

#include "app/config.hpp"

namespace kamer::server::ops {

struct Readiness {
    bool ready = false;
    std::string reason;  // why not, for the operator ("database unreachable", ...)
};

class OpsEndpoint {
public:
    // `readiness` is called on the network threads: it must not block.
    OpsEndpoint(boost::asio::io_context& io, const ListenAddress& address, std::function<Readiness()> readiness);
    void start();
    void stop();
    std::uint16_t port() const;

private:
    void accept();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::function<Readiness()> readiness_;
};

}  // namespace kamer::server::ops
