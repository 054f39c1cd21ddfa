#pragma once
// What every scenario shares: where the server is, the organisations the generator may act as
// (certificates from a PKI made by certs/kamer-pki), the server's process id for /proc
// readings, and the io_context the generator runs on: one thread, so that the generator takes
// one core and leaves the other to the server, and scenario state needs no locks.
#include <sys/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "args.hpp"
#include "kamer/client/connection.hpp"

namespace kamer::bench {

struct Org {
    std::string slug;
    std::string oin;
    std::string sector;
};

class BenchContext {
  public:
    // Reads --host --port --pki --orgs (TSV: slug oin sector name) --server-pid --pg-pid.
    explicit BenchContext(const Args& args);

    client::ConnectOptions options(const Org& org) const;
    const std::vector<Org>& orgs() const { return orgs_; }
    const Org& first_of_sector(const std::string& sector) const;
    pid_t server_pid() const { return server_pid_; }
    pid_t postgres_pid() const { return postgres_pid_; }  // the postmaster; 0 when not given
    boost::asio::io_context& io() { return io_; }
    boost::asio::any_io_executor executor() { return io_.get_executor(); }

    // Runs `main` to its end on the generator thread; rethrows what it threw.
    void run(boost::asio::awaitable<void> main);

  private:
    std::string host_;
    std::uint16_t port_ = 0;
    std::string pki_;
    std::vector<Org> orgs_;
    pid_t server_pid_ = 0;
    pid_t postgres_pid_ = 0;
    boost::asio::io_context io_;
};

// Waits for a number of coroutines to report done(). Single-threaded, like the generator.
class Gate {
  public:
    Gate(boost::asio::any_io_executor executor, std::size_t count);
    void done();
    boost::asio::awaitable<void> wait();

  private:
    std::size_t count_;
    boost::asio::steady_timer timer_;
};

// Closes a connection and waits until its reader has ended, so that it can be released.
boost::asio::awaitable<void> finish(std::shared_ptr<client::Connection> connection);

// Sleeps on the generator's executor.
boost::asio::awaitable<void> pause(std::chrono::milliseconds duration);

// One result line on stdout: {"scenario": name, ...fields}.
void print_result(const std::string& scenario, boost::json::object fields);

}  // namespace kamer::bench
