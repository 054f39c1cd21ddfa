// idle: N authenticated connections (hello done, nothing subscribed) held open, spread over
// the organisations → the server's resident memory per connection (growth of VmRSS divided by N).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "bench_context.hpp"
#include "latencies.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace kamer::bench {
namespace asio = boost::asio;
namespace {

class Idle {
  public:
    Idle(BenchContext& bench, long count, long in_flight, long settle_ms)
        : bench_(bench), count_(count), in_flight_(in_flight), settle_(settle_ms) {}

    asio::awaitable<void> main() {
        // One connection first so that lazily made server state (TLS context caches, thread
        // arenas) is not counted as per-connection memory.
        auto options = bench_.options(bench_.orgs()[0]);
        auto warm = co_await client::Connection::connect(bench_.executor(), options);
        co_await pause(settle_);
        long rss0 = rss_kib(bench_.server_pid());
        auto start = Clock::now();
        {
            Gate gate(bench_.executor(), static_cast<std::size_t>(in_flight_));
            for (long i = 0; i < in_flight_; ++i)
                asio::co_spawn(bench_.executor(), open(gate), asio::detached);
            co_await gate.wait();
        }
        double open_seconds = std::chrono::duration<double>(Clock::now() - start).count();
        co_await pause(settle_);
        long rss1 = rss_kib(bench_.server_pid());
        auto held = static_cast<long>(held_.size());
        print_result("idle",
                     {{"count", count_},
                      {"held", held},
                      {"failed", failed_},
                      {"first_error", first_error_},
                      {"open_seconds", open_seconds},
                      {"server_rss_before_kib", rss0},
                      {"server_rss_after_kib", rss1},
                      {"server_kib_per_connection",
                       held ? static_cast<double>(rss1 - rss0) / static_cast<double>(held) : 0.0}});
        held_.push_back(warm);
        next_ = 0;
        Gate gate(bench_.executor(), static_cast<std::size_t>(in_flight_));
        for (long i = 0; i < in_flight_; ++i)
            asio::co_spawn(bench_.executor(), close(gate), asio::detached);
        co_await gate.wait();
    }

  private:
    asio::awaitable<void> open(Gate& gate) {
        while (next_ < count_) {
            const auto& org =
                bench_.orgs()[static_cast<std::size_t>(next_++) % bench_.orgs().size()];
            try {
                auto options = bench_.options(org);
                held_.push_back(co_await client::Connection::connect(bench_.executor(), options));
            } catch (const std::exception& e) {
                if (failed_++ == 0) first_error_ = e.what();
            }
        }
        gate.done();
    }

    asio::awaitable<void> close(Gate& gate) {
        while (next_ < static_cast<long>(held_.size()))
            co_await finish(held_[static_cast<std::size_t>(next_++)]);
        gate.done();
    }

    BenchContext& bench_;
    long count_, in_flight_;
    std::chrono::milliseconds settle_;
    std::vector<std::shared_ptr<client::Connection>> held_;
    long next_ = 0, failed_ = 0;
    std::string first_error_;
};

}  // namespace

void run_idle(const Args& args) {
    BenchContext bench(args);
    Idle idle(bench, args.number("count", 1000), args.number("in-flight", 32),
              args.number("settle-ms", 2000));
    bench.run(idle.main());
}

}  // namespace kamer::bench
