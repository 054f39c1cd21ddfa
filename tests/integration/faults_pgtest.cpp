// Faults, counted the way Jepsen counts. Four partner systems post contributions with unique
// client ids into one room while kamerd is killed with SIGKILL and restarted, or while
// PostgreSQL is stopped immediately and restarted under a running kamerd. Afterwards every
// member reads the room from its beginning. Pass: nothing acknowledged is lost, nothing
// unexpected or duplicated is delivered, and every doubt was resolved through the client id.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "fault_clients.hpp"
#include "harness.hpp"
#include "http_get.hpp"
#include "member.hpp"
#include "private_cluster.hpp"

namespace kamer::test {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> partners = {"gemeente", "politie", "ggz", "gi"};

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

std::string open_room(std::uint16_t port, const std::string& ref) {
    Member chair(partners[0], port);
    protocol::RoomOpen open;
    open.case_ref = ref;
    auto room = *chair.call(open).room;
    for (std::size_t i = 1; i < partners.size(); ++i) {
        Member member(partners[i], port);
        protocol::MemberInvite invite;
        invite.room = room;
        invite.organisation = member.oin();
        chair.call(invite);
        protocol::MemberAccept accept;
        accept.room = room;
        member.call(accept);
    }
    return room;
}

Counts drain_and_count(const FaultClients& clients, std::uint16_t port, const std::string& room) {
    std::map<std::string, std::vector<Delivery>> deliveries;
    for (const auto& slug : partners) deliveries[slug] = drain(port, slug, room);
    return count(clients.ledgers(), deliveries);
}

void expect_jepsen_pass(const Counts& c, const FaultClients& clients) {
    EXPECT_EQ(c.lost, 0u);
    EXPECT_EQ(c.unexpected, 0u);
    EXPECT_EQ(c.duplicated, 0u);
    EXPECT_EQ(c.mismatched, 0u);
    EXPECT_EQ(c.acknowledged, c.attempted) << "a request was refused for another reason than the fault";
    EXPECT_EQ(c.recovered, c.in_doubt) << "an item in doubt was resent until acknowledged, so it must be present";
    for (const auto& ledger : clients.ledgers()) {
        std::string seen;
        for (const auto& [code, n] : ledger.errors) seen += " " + code + "=" + std::to_string(n);
        std::cout << "[ figures  ] " << ledger.slug << " errors:" << (seen.empty() ? " none" : seen) << "\n";
        for (const auto& [code, n] : ledger.errors)
            EXPECT_TRUE(code == "connect" || code == "disconnected" || code == "timeout" || code == "unavailable" ||
                        code == "outcome_unknown" || code == "exception")
                << ledger.slug << " got " << code;
    }
}

TEST(Faults, KamerdKilledAndRestartedLosesNothingAcknowledged) {
    constexpr int kills = 22;
    TestDatabase database;
    database.register_demo_partners();
    auto port = free_port();
    Kamerd server(database, {{"server.listen", "127.0.0.1:" + std::to_string(port)}});
    auto room = open_room(port, "FAULT-KILL");

    FaultClients clients(port, room, partners);
    clients.start();
    std::mt19937 random(20261122);
    auto started = Clock::now();
    for (int k = 0; k < kills; ++k) {
        // Kill at a random moment 1.5-3 s after the restarted server acknowledged something, so
        // that the clients send tens of thousands of items across the 22 kills.
        auto before = clients.acknowledged();
        ASSERT_TRUE(eventually([&] { return clients.acknowledged() > before; }, 15s)) << "no progress after restart " << k;
        std::this_thread::sleep_for(std::chrono::milliseconds(1500 + random() % 1500));
        server.kill();
        server.start();
        std::cout << "[ progress ] restart " << k + 1 << " of " << kills << " at "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()
                  << " ms, acknowledged " << clients.acknowledged() << std::endl;
    }
    ASSERT_TRUE(eventually([&, n = clients.acknowledged()] { return clients.acknowledged() > n + 20; }, 15s));
    clients.finish();
    auto faulted = Clock::now() - started;

    auto counts = drain_and_count(clients, port, room);
    std::cout << "[ figures  ] kamerd SIGKILL x" << kills << " in "
              << std::chrono::duration_cast<std::chrono::seconds>(faulted).count() << " s, " << partners.size()
              << " clients: " << counts.describe() << "\n";
    expect_jepsen_pass(counts, clients);
}

TEST(Faults, DatabaseStoppedImmediatelyUnderLoadRecoversWithoutRestartingKamerd) {
    constexpr int outages = 4;
    PrivateCluster cluster;
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    auto port = free_port();
    auto settings = cluster.kamerd_settings();
    settings["server.listen"] = "127.0.0.1:" + std::to_string(port);
    Kamerd server(unused, settings);
    cluster.register_demo_partners(port);
    auto room = open_room(port, "FAULT-PG");
    auto ready = [&] { return http_get(server.ops_port(), "/readyz").status; };

    FaultClients clients(port, room, partners);
    clients.start();
    std::vector<std::pair<Clock::time_point, Clock::time_point>> down;
    std::vector<double> recovery_seconds;
    for (int k = 0; k < outages; ++k) {
        auto before = clients.acknowledged();
        ASSERT_TRUE(eventually([&] { return clients.acknowledged() > before + 50; }, 15s)) << "no progress";
        cluster.crash();
        auto went_down = Clock::now();
        EXPECT_TRUE(eventually([&] { return ready() == 503; }, 5s)) << "not-ready not reported";
        std::this_thread::sleep_for(1s);
        auto acks_while_down = clients.acknowledged();
        std::this_thread::sleep_for(500ms);
        EXPECT_EQ(clients.acknowledged(), acks_while_down) << "acknowledged while the database was down";
        auto coming_up = Clock::now();
        down.emplace_back(went_down, coming_up);
        cluster.restart();
        auto up = Clock::now();
        EXPECT_TRUE(eventually([&] { return clients.acknowledged() > acks_while_down; }, 20s))
            << "kamerd did not recover by itself";
        recovery_seconds.push_back(std::chrono::duration<double>(Clock::now() - up).count());
        EXPECT_TRUE(eventually([&] { return ready() == 200; }, 10s));
        EXPECT_TRUE(server.running()) << "kamerd was not supposed to stop";
    }
    clients.finish();

    // No acknowledgement of a commit made while the database was down: an ack may arrive up to
    // 100 ms after the crash for a commit made just before it, none later.
    std::size_t acked_while_down = 0;
    for (const auto& ledger : clients.ledgers())
        for (const auto& a : ledger.attempts)
            for (const auto& [from, to] : down)
                if (a.item && a.acked_at > from + 100ms && a.acked_at < to) ++acked_while_down;
    EXPECT_EQ(acked_while_down, 0u);

    auto counts = drain_and_count(clients, port, room);
    std::string recovery;
    for (double s : recovery_seconds) recovery += " " + std::to_string(s).substr(0, 4) + " s";
    std::cout << "[ figures  ] PostgreSQL stop -m immediate x" << outages << " under " << partners.size()
              << " clients: " << counts.describe() << "; acknowledged while down " << acked_while_down
              << "; first acknowledgement after restart:" << recovery << "\n";
    expect_jepsen_pass(counts, clients);
}

}  // namespace
}  // namespace kamer::test
