// fanout: R rooms (lokale kamers) × M member organisations, one connection per membership, all
// subscribed. P members of each room post items, W requests in flight each, at a target total
// rate or flat out; categories rotate so every member receives only part. Measures delivered
// items/s, acknowledgement latency (post → reply, which follows the commit) and delivery
// latency (post → arrival at each member).
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bench_context.hpp"
#include "bench_items.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "process_stats.hpp"
#include "scenarios.hpp"

namespace kamer::bench {
namespace asio = boost::asio;
namespace {

struct Settings {
    long rooms, members, publishers, window, padding;
    double rate;  // items/s over all publishers; 0: flat out
    double seconds;
};

struct Seat {
    std::size_t room;
    std::shared_ptr<client::Connection> connection;
    long next = 0;  // publishers: the next item number
};

class Fanout {
  public:
    Fanout(BenchContext& bench, Settings s)
        : bench_(bench), s_(s), room_ids_(static_cast<std::size_t>(s.rooms)) {}

    asio::awaitable<void> main() {
        {
            Gate gate(bench_.executor(), static_cast<std::size_t>(s_.rooms));
            for (long r = 0; r < s_.rooms; ++r)
                asio::co_spawn(bench_.executor(), setup_room(static_cast<std::size_t>(r), gate),
                               asio::detached);
            co_await gate.wait();
        }
        if (setup_failed_) throw std::runtime_error("setup failed: " + first_error_);
        co_await pause(std::chrono::milliseconds(500));  // let setup events drain

        readers_ = std::make_unique<Gate>(bench_.executor(), seats_.size());
        for (std::size_t i = 0; i < seats_.size(); ++i)
            asio::co_spawn(bench_.executor(), read(i), asio::detached);

        double server0 = cpu_seconds(bench_.server_pid()), own0 = own_cpu_seconds();
        double postgres0 = tree_cpu_seconds(bench_.postgres_pid());
        start_ = Clock::now();
        stop_at_ = start_ + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(s_.seconds));
        {
            Gate gate(bench_.executor(), publishers_.size() * static_cast<std::size_t>(s_.window));
            for (std::size_t p = 0; p < publishers_.size(); ++p)
                for (long w = 0; w < s_.window; ++w)
                    asio::co_spawn(bench_.executor(), publish(p, gate), asio::detached);
            co_await gate.wait();
        }
        double publish_seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        // Deliveries still in flight: wait until a second passes without one.
        for (long quiet = 0, last = -1; quiet < 10; quiet = delivered_ == last ? quiet + 1 : 0) {
            last = delivered_;
            co_await pause(std::chrono::milliseconds(100));
        }
        double seconds = std::chrono::duration<double>(last_delivery_ - start_).count();
        double server = cpu_seconds(bench_.server_pid()) - server0, own = own_cpu_seconds() - own0;
        double postgres = tree_cpu_seconds(bench_.postgres_pid()) - postgres0;
        double wall = std::max(seconds, publish_seconds);  // without the quiet second
        long lost = lost_;
        closing_ = true;
        for (auto& seat : seats_)
            asio::co_spawn(bench_.executor(), finish(seat.connection), asio::detached);
        co_await readers_->wait();
        print_result(
            "fanout",
            {{"rooms", s_.rooms},
             {"members", s_.members},
             {"publishers", static_cast<long>(publishers_.size())},
             {"window", s_.window},
             {"rate_target", s_.rate},
             {"publish_seconds", publish_seconds},
             {"items_acked", acked_},
             {"items_per_second", static_cast<double>(acked_) / publish_seconds},
             {"post_retries", retries_},
             {"post_errors", post_errors_},
             {"first_error", first_error_},
             {"deliveries", delivered_},
             {"deliveries_per_item", acked_ ? static_cast<double>(delivered_) / acked_ : 0.0},
             {"delivered_per_second",
              seconds > 0 ? static_cast<double>(delivered_) / seconds : 0.0},
             {"members_disconnected", lost},
             {"server_cores_busy", server / wall},
             {"generator_cores_busy", own / wall},
             {"postgres_cores_busy", postgres / wall},
             // CPU per acknowledged item: comparable between loaded and quiet machines.
             {"server_cpu_us_per_item", acked_ ? server * 1e6 / static_cast<double>(acked_) : 0.0},
             {"postgres_cpu_us_per_item",
              acked_ ? postgres * 1e6 / static_cast<double>(acked_) : 0.0},
             {"ack_latency", ack_.summary()},
             {"delivery_latency", delivery_.summary()}});
    }

  private:
    // Room r: the chair (the first municipality) opens it and invites M-1 others, chosen in turn
    // from the rest of the organisations so that sectors vary between rooms.
    asio::awaitable<void> setup_room(std::size_t r, Gate& gate) {
        try {
            const auto& orgs = bench_.orgs();
            const Org& chair_org = bench_.first_of_sector("gemeente");
            auto options = bench_.options(chair_org);
            auto chair = co_await client::Connection::connect(bench_.executor(), options);
            protocol::RoomOpen open;
            open.case_ref = "BENCH-" + std::to_string(r);
            // Named requests and replies: GCC 12 destroys temporaries in a co_await expression
            // twice.
            auto opened = co_await chair->call(open);
            std::string room = *opened.room;
            room_ids_[r] = room;
            std::vector<std::shared_ptr<client::Connection>> members{chair};
            for (std::size_t m = 0, k = r * static_cast<std::size_t>(s_.members - 1);
                 members.size() < static_cast<std::size_t>(s_.members); ++k) {
                const Org& org = orgs[k % orgs.size()];
                if (org.slug == chair_org.slug) continue;
                if (++m > orgs.size())
                    throw std::runtime_error("not enough organisations for --members");
                protocol::MemberInvite invite{room, org.oin, protocol::Role::participant};
                co_await chair->call(invite);
                auto member_options = bench_.options(org);
                auto c = co_await client::Connection::connect(bench_.executor(), member_options);
                protocol::MemberAccept accept{room};
                co_await c->call(accept);
                members.push_back(c);
            }
            for (std::size_t m = 0; m < members.size(); ++m) {
                protocol::Subscribe subscribe{room, {}};
                co_await members[m]->call(subscribe);
                seats_.push_back({r, members[m]});
                if (m < static_cast<std::size_t>(s_.publishers))
                    publishers_.push_back(seats_.size() - 1);
            }
        } catch (const std::exception& e) {
            if (!setup_failed_++) first_error_ = e.what();
        }
        gate.done();
    }

    asio::awaitable<void> read(std::size_t seat) {
        auto connection = seats_[seat].connection;
        try {
            for (;;) {
                auto env = co_await connection->receive();
                for_each_bench_item(env, [&](std::int64_t sent) {
                    ++delivered_;
                    delivery_.add(std::chrono::nanoseconds(now_ns() - sent));
                });
                last_delivery_ = Clock::now();
            }
        } catch (const std::exception&) {
            // The end of the stream: ours when closing_, otherwise the server's (a slow consumer).
            if (!closing_) ++lost_;
        }
        readers_->done();
    }

    asio::awaitable<void> publish(std::size_t publisher, Gate& gate) {
        auto& seat = seats_[publishers_[publisher]];
        asio::steady_timer timer(bench_.executor());
        auto interval =
            s_.rate > 0
                ? std::chrono::duration<double>(static_cast<double>(publishers_.size()) / s_.rate)
                : std::chrono::duration<double>(0);
        // Publishers are spread evenly over one interval, so the offered load is a steady
        // stream at the target rate rather than every publisher posting at the same instant.
        double phase = static_cast<double>(publisher) / static_cast<double>(publishers_.size());
        for (;;) {
            long n = seat.next++;
            auto due = start_ + std::chrono::duration_cast<Clock::duration>(interval * (static_cast<double>(n) + phase));
            if (Clock::now() >= stop_at_ || due >= stop_at_) break;
            if (s_.rate > 0) {
                timer.expires_at(due);
                co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            }
            auto post = bench_item(room_ids_[seat.room],
                                   static_cast<std::size_t>(n + static_cast<long>(publisher)),
                                   static_cast<std::size_t>(s_.padding));
            auto t0 = Clock::now();
            try {
                retries_ += co_await post_until_acknowledged(seat.connection, post);
                ack_.add(Clock::now() - t0);
                ++acked_;
            } catch (const std::exception& e) {
                if (post_errors_++ == 0) first_error_ = e.what();
                break;
            }
        }
        gate.done();
    }

    BenchContext& bench_;
    Settings s_;
    std::vector<std::string> room_ids_;
    std::vector<Seat> seats_;
    std::vector<std::size_t> publishers_;  // indexes into seats_
    std::unique_ptr<Gate> readers_;
    Clock::time_point start_, stop_at_ = Clock::time_point::max(), last_delivery_;
    bool closing_ = false;
    long acked_ = 0, retries_ = 0, delivered_ = 0, post_errors_ = 0, setup_failed_ = 0, lost_ = 0;
    std::string first_error_;
    Latencies ack_, delivery_;
};

}  // namespace

void run_fanout(const Args& args) {
    BenchContext bench(args);
    Settings s{args.number("rooms", 100), args.number("members", 10),  0,
               args.number("window", 4),  args.number("padding", 200), args.real("rate", 0),
               args.real("seconds", 10)};
    s.publishers = args.number("publishers", s.members);
    Fanout fanout(bench, s);
    bench.run(fanout.main());
}

}  // namespace kamer::bench
