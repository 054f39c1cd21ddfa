// handshakes: K fresh connections, C in flight, each a full mutual-TLS handshake, the WebSocket
// upgrade and hello/welcome, then closed. With --resume 1 every organisation first makes one
// connection to obtain a session ticket, and the measured connections resume it.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "bench_context.hpp"
#include "latencies.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace kamer::bench {
namespace asio = boost::asio;
namespace {

class Handshakes {
  public:
    Handshakes(BenchContext& bench, long count, long in_flight, bool resume)
        : bench_(bench), count_(count), in_flight_(in_flight), resume_(resume) {
        for (std::size_t i = 0; i < bench.orgs().size(); ++i)
            reuse_.push_back(resume ? std::make_shared<client::SessionReuse>() : nullptr);
    }

    asio::awaitable<void> main() {
        if (resume_) co_await prime();
        double server0 = cpu_seconds(bench_.server_pid()), own0 = own_cpu_seconds();
        auto start = Clock::now();
        Gate gate(bench_.executor(), static_cast<std::size_t>(in_flight_));
        for (long i = 0; i < in_flight_; ++i)
            asio::co_spawn(bench_.executor(), worker(gate), asio::detached);
        co_await gate.wait();
        double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        double server = cpu_seconds(bench_.server_pid()) - server0, own = own_cpu_seconds() - own0;
        std::uint64_t resumed = 0;
        for (auto& r : reuse_)
            if (r) resumed += r->resumed();
        print_result("handshakes",
                     {{"resume", resume_},
                      {"count", count_},
                      {"in_flight", in_flight_},
                      {"completed", completed_},
                      {"failed", failed_},
                      {"first_error", first_error_},
                      {"resumed", resumed},
                      {"seconds", seconds},
                      {"sessions_per_second", static_cast<double>(completed_) / seconds},
                      {"server_cpu_us_per_handshake",
                       completed_ ? server * 1e6 / static_cast<double>(completed_) : 0.0},
                      {"server_cores_busy", server / seconds},
                      {"generator_cores_busy", own / seconds},
                      {"connect_latency", latencies_.summary()}});
    }

  private:
    // One connection per organisation that the measured part will use, for its ticket.
    asio::awaitable<void> prime() {
        auto n = std::min<std::size_t>(bench_.orgs().size(), static_cast<std::size_t>(count_));
        for (std::size_t i = 0; i < n; ++i) {
            auto o = bench_.options(bench_.orgs()[i]);
            o.session_reuse = reuse_[i];
            auto c = co_await client::Connection::connect(bench_.executor(), o);
            co_await finish(c);
        }
    }

    asio::awaitable<void> worker(Gate& gate) {
        while (next_ < count_) {
            auto i = static_cast<std::size_t>(next_++) % bench_.orgs().size();
            auto o = bench_.options(bench_.orgs()[i]);
            o.session_reuse = reuse_[i];
            auto t0 = Clock::now();
            try {
                auto c = co_await client::Connection::connect(bench_.executor(), o);
                latencies_.add(Clock::now() - t0);
                ++completed_;
                co_await finish(c);
            } catch (const std::exception& e) {
                if (failed_++ == 0) first_error_ = e.what();
            }
        }
        gate.done();
    }

    BenchContext& bench_;
    long count_, in_flight_;
    bool resume_;
    std::vector<std::shared_ptr<client::SessionReuse>> reuse_;
    long next_ = 0, completed_ = 0, failed_ = 0;
    std::string first_error_;
    Latencies latencies_;
};

}  // namespace

void run_handshakes(const Args& args) {
    BenchContext bench(args);
    Handshakes h(bench, args.number("count", 2000), args.number("in-flight", 32),
                 args.number("resume", 0) != 0);
    bench.run(h.main());
}

}  // namespace kamer::bench
