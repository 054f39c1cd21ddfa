// history: a room of N items in rotating categories, posted by its chair (a municipality); a
// member of another sector (police by default) subscribes from the start and receives only the
// part it may see → time from the subscribe request to the last item, best and median of X runs.
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "bench_context.hpp"
#include "bench_items.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace kamer::bench {
namespace asio = boost::asio;
namespace {

class History {
  public:
    History(BenchContext& bench, long items, long runs, long window, std::string reader_sector)
        : bench_(bench),
          items_(items),
          runs_(runs),
          window_(window),
          reader_(bench.first_of_sector(reader_sector)) {}

    asio::awaitable<void> main() {
        auto chair_options = bench_.options(bench_.first_of_sector("gemeente"));
        auto chair = co_await client::Connection::connect(bench_.executor(), chair_options);
        protocol::RoomOpen open;
        open.case_ref = "BENCH-HISTORY";
        // Named requests and replies: GCC 12 destroys temporaries in a co_await expression twice.
        auto opened = co_await chair->call(open);
        room_ = *opened.room;
        protocol::MemberInvite invite{room_, reader_.oin, protocol::Role::participant};
        co_await chair->call(invite);
        {
            auto options = bench_.options(reader_);
            auto reader = co_await client::Connection::connect(bench_.executor(), options);
            protocol::MemberAccept accept{room_};
            co_await reader->call(accept);
            co_await finish(reader);
        }
        auto fill_start = Clock::now();
        {
            Gate gate(bench_.executor(), static_cast<std::size_t>(window_));
            for (long w = 0; w < window_; ++w)
                asio::co_spawn(bench_.executor(), fill(chair, gate), asio::detached);
            co_await gate.wait();
        }
        double fill_seconds = std::chrono::duration<double>(Clock::now() - fill_start).count();
        co_await finish(chair);

        std::vector<double> times;
        double server0 = cpu_seconds(bench_.server_pid()), postgres0 = tree_cpu_seconds(bench_.postgres_pid());
        for (long run = 0; run < runs_; ++run) times.push_back(co_await resume());
        double server = cpu_seconds(bench_.server_pid()) - server0;
        double postgres = tree_cpu_seconds(bench_.postgres_pid()) - postgres0;
        std::sort(times.begin(), times.end());
        print_result("history",
                     {{"items", items_},
                      {"reader_sector", reader_.sector},
                      {"visible_items", visible_},
                      {"entries_received", entries_},
                      {"runs", runs_},
                      {"fill_items_per_second", static_cast<double>(items_) / fill_seconds},
                      {"best_ms", times.front() * 1e3},
                      {"median_ms", times[times.size() / 2] * 1e3},
                      {"worst_ms", times.back() * 1e3},
                      {"visible_items_per_second", static_cast<double>(visible_) / times.front()},
                      // Each resume with its connection's handshake and close.
                      {"server_cpu_ms_per_resume", server * 1e3 / static_cast<double>(runs_)},
                      {"postgres_cpu_ms_per_resume", postgres * 1e3 / static_cast<double>(runs_)}});
    }

  private:
    asio::awaitable<void> fill(std::shared_ptr<client::Connection> chair, Gate& gate) {
        while (posted_ < items_) {
            auto item = bench_item(room_, static_cast<std::size_t>(posted_++), 200);
            co_await post_until_acknowledged(chair, item);
        }
        gate.done();
    }

    // One resume from the start; returns seconds to the last item. The subscribe reply follows
    // the catch-up, but events wait in the client's queue, so the reader decides the end.
    asio::awaitable<double> resume() {
        auto options = bench_.options(reader_);
        auto connection = co_await client::Connection::connect(bench_.executor(), options);
        Gate reader(bench_.executor(), 1);
        visible_ = entries_ = 0;
        asio::co_spawn(bench_.executor(), read(connection, reader), asio::detached);
        auto start = Clock::now();
        protocol::Subscribe subscribe{room_, {}};
        co_await connection->call(subscribe);
        auto replied = Clock::now();
        for (long quiet = 0, last = -1; quiet < 5; quiet = entries_ == last ? quiet + 1 : 0) {
            last = entries_;
            co_await pause(std::chrono::milliseconds(20));
        }
        auto end = std::max(replied, last_entry_);
        co_await finish(connection);
        co_await reader.wait();
        co_return std::chrono::duration<double>(end - start).count();
    }

    asio::awaitable<void> read(std::shared_ptr<client::Connection> connection, Gate& gate) {
        try {
            for (;;) {
                auto env = co_await connection->receive();
                if (env.type != "events") continue;
                entries_ += static_cast<long>(env.body.as_object().at("events").as_array().size());
                for_each_bench_item(env, [&](std::int64_t) { ++visible_; });
                last_entry_ = Clock::now();
            }
        } catch (const std::exception&) {
            // the connection was closed
        }
        gate.done();
    }

    BenchContext& bench_;
    long items_, runs_, window_;
    const Org& reader_;
    std::string room_;
    long posted_ = 0, visible_ = 0, entries_ = 0;
    Clock::time_point last_entry_;
};

}  // namespace

void run_history(const Args& args) {
    BenchContext bench(args);
    History history(bench, args.number("items", 10000), args.number("runs", 5),
                    args.number("window", 32), args.text("reader-sector", "politie"));
    bench.run(history.main());
}

}  // namespace kamer::bench
