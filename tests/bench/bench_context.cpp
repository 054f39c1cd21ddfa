#include "bench_context.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <exception>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace kamer::bench {
namespace asio = boost::asio;

BenchContext::BenchContext(const Args& args)
    : host_(args.text("host", "127.0.0.1")),
      port_(static_cast<std::uint16_t>(args.number("port", 8443))),
      pki_(args.required("pki")),
      server_pid_(static_cast<pid_t>(args.number("server-pid", 0))),
      postgres_pid_(static_cast<pid_t>(args.number("pg-pid", 0))) {
    std::ifstream in(args.required("orgs"));
    if (!in) throw std::invalid_argument("cannot read --orgs file");
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::istringstream row(line);
        Org org;
        std::getline(row, org.slug, '\t');
        std::getline(row, org.oin, '\t');
        std::getline(row, org.sector, '\t');
        if (!org.slug.empty() && org.slug[0] != '#') orgs_.push_back(org);
    }
    if (orgs_.empty()) throw std::invalid_argument("no organisations in --orgs file");
}

client::ConnectOptions BenchContext::options(const Org& org) const {
    client::ConnectOptions o;
    o.host = host_;
    o.port = port_;
    o.certificate_file = pki_ + "/orgs/" + org.slug + ".pem";
    o.private_key_file = pki_ + "/orgs/" + org.slug + ".key";
    o.ca_file = pki_ + "/ca-bundle.pem";
    o.client_name = "kamer-bench/" + org.slug;
    o.timeout = std::chrono::seconds(60);
    return o;
}

const Org& BenchContext::first_of_sector(const std::string& sector) const {
    for (const auto& o : orgs_)
        if (o.sector == sector) return o;
    throw std::invalid_argument("no organisation of sector " + sector + " in --orgs file");
}

void BenchContext::run(asio::awaitable<void> main) {
    std::exception_ptr failure;
    // The scenario may leave nothing running once it is done, but stop() makes sure a stray
    // reader cannot keep the process waiting.
    asio::co_spawn(io_, std::move(main), [&](std::exception_ptr e) {
        failure = e;
        io_.stop();
    });
    io_.run();
    if (failure) std::rethrow_exception(failure);
}

Gate::Gate(asio::any_io_executor executor, std::size_t count) : count_(count), timer_(executor) {
    timer_.expires_at(asio::steady_timer::time_point::max());
}

void Gate::done() {
    if (--count_ == 0) timer_.cancel();
}

asio::awaitable<void> Gate::wait() {
    if (count_ == 0) co_return;
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
}

asio::awaitable<void> finish(std::shared_ptr<client::Connection> connection) {
    try {
        co_await connection->close();
        for (;;) co_await connection->receive();
    } catch (const std::exception&) {
        // receive() throws once the reader has ended: that is what we waited for.
    }
}

asio::awaitable<void> pause(std::chrono::milliseconds duration) {
    asio::steady_timer timer(co_await asio::this_coro::executor, duration);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

void print_result(const std::string& scenario, boost::json::object fields) {
    boost::json::object line{{"scenario", scenario}};
    for (auto& [k, v] : fields) line[k] = std::move(v);
    std::cout << boost::json::serialize(line) << std::endl;
}

}  // namespace kamer::bench
