// Operating Kamer: the operations listener, readiness that follows the database, graceful
// shutdown under load, two nodes on one database (their writes to one room, and a node that
// lost the database for a while: what it delivers and the notices it sends when it is back), a
// write batch ended by a deadlock, and --check-config on broken files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "audit/disclosure_log.hpp"
#include "harness.hpp"
#include "http_get.hpp"
#include "kamer/client/blocking_connection.hpp"
#include "member.hpp"
#include "private_cluster.hpp"
#include "store/database.hpp"

namespace kamer::test {
namespace {

using namespace protocol;
namespace fs = std::filesystem;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
}

std::string open_room_with(Member& chair, std::vector<Member*> members, const std::string& ref) {
    RoomOpen open;
    open.case_ref = ref;
    auto room = *chair.call(open).room;
    for (auto* m : members) {
        chair.call(MemberInvite{room, m->oin(), Role::participant});
        m->call(MemberAccept{room});
    }
    return room;
}

// The texts of the contributions a member reads in a room's history, in order.
std::vector<std::string> posted_texts(Member& member, const std::string& room) {
    std::vector<std::string> seen;
    for (const auto& e : member.call(History{room, {}, {}}).events)
        if (e.entry.kind == "contribution.posted") seen.emplace_back(e.entry.data.at("text").as_string());
    return seen;
}

ContributionPost contribution(const std::string& room, const std::string& text, Category c = Category::general) {
    return ContributionPost{room, {}, {}, text, c, {}, {}, {}, {}};
}

TEST(Ops, ListenerServesHealthReadinessAndMetrics) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    ASSERT_NE(server.ops_port(), 0);
    EXPECT_EQ(http_get(server.ops_port(), "/healthz").status, 200);
    EXPECT_TRUE(eventually([&] { return http_get(server.ops_port(), "/readyz").status == 200; }));
    {
        Member gemeente("gemeente", server.port());
        Member politie("politie", server.port());
        auto room = open_room_with(gemeente, {&politie}, "OPS-1");
        politie.subscribe(room);
        gemeente.call(contribution(room, "OPS-1 shared with the police"));
        politie.wait_for("contribution.posted");  // delivered: its disclosure row was committed
    }
    auto metrics = http_get(server.ops_port(), "/metrics");
    EXPECT_EQ(metrics.status, 200);
    for (const char* name : {"kamer_messages_in_total{type=\"room.open\"} 1", "kamer_ack_latency_seconds_bucket",
                             "kamer_connections_accepted_total", "kamer_write_batches_total", "# TYPE"})
        EXPECT_NE(metrics.body.find(name), std::string::npos) << name;
    // Every committed batch and every committed append of disclosure rows is timed.
    auto batches = server.metric("kamer_write_batches_total");
    EXPECT_GE(batches, 4);  // open, invite, accept, post
    EXPECT_EQ(server.metric("kamer_write_commit_seconds_count"), batches);
    EXPECT_GT(server.metric("kamer_write_commit_seconds_sum"), 0);
    EXPECT_GE(server.metric("kamer_disclosure_commit_seconds_count"), 1);
    EXPECT_EQ(metrics.body.find("OPS-1"), std::string::npos) << "no case data in metrics";
    EXPECT_EQ(http_get(server.ops_port(), "/other").status, 404);
}

#if defined(__SANITIZE_THREAD__)
constexpr bool thread_sanitizer = true;
#elif defined(__has_feature)
constexpr bool thread_sanitizer = __has_feature(thread_sanitizer);
#else
constexpr bool thread_sanitizer = false;
#endif

TEST(Ops, ThreadsCarryTheNameOfTheirJob) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"server.threads", "2"}});
    auto thread_names = [&] {
        std::multiset<std::string> names;
        for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(server.pid()) + "/task")) {
            std::ifstream comm(task.path() / "comm");
            std::string name;
            std::getline(comm, name);
            names.insert(name);
        }
        return names;
    };
    // The main thread keeps the program's name (ps shows it) and serves the network too. The
    // port is written before every thread has started, so wait for all of them.
    const std::set<std::string> jobs{"kamerd-net", "kamerd-writer", "kamerd-hub", "kamerd-disclose",
                                     "kamerd-listen", "kamerd-reader", "kamerd-log"};
    std::multiset<std::string> names;
    EXPECT_TRUE(eventually([&] {
        names = thread_names();
        return std::all_of(jobs.begin(), jobs.end(), [&](const auto& job) { return names.count(job) > 0; });
    })) << "a job has no named thread";
    if (thread_sanitizer) return;  // its runtime adds a thread of its own, under the program's name
    EXPECT_EQ(names.count("kamerd"), 1u);
    for (const auto& name : names) EXPECT_TRUE(name == "kamerd" || jobs.count(name)) << "unnamed: " << name;
}

TEST(Ops, ReadinessFollowsTheDatabaseAndWritesRecoverWithoutARestart) {
    PrivateCluster cluster;
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    Kamerd server(unused, cluster.kamerd_settings());
    cluster.register_demo_partners(server.port());
    EXPECT_TRUE(eventually([&] { return http_get(server.ops_port(), "/readyz").status == 200; }));
    Member gemeente("gemeente", server.port());
    auto room = open_room_with(gemeente, {}, "READY-1");

    cluster.crash();
    EXPECT_TRUE(eventually([&] { return http_get(server.ops_port(), "/readyz").status == 503; }));
    EXPECT_NE(http_get(server.ops_port(), "/readyz").body.find("database"), std::string::npos);
    EXPECT_EQ(http_get(server.ops_port(), "/healthz").status, 200) << "alive, only not ready";
    auto refused = gemeente.refused(contribution(room, "while the database is down"));
    EXPECT_TRUE(refused == ErrorCode::unavailable || refused == ErrorCode::outcome_unknown) << to_string(refused);

    cluster.restart();
    EXPECT_TRUE(eventually([&] { return http_get(server.ops_port(), "/readyz").status == 200; }));
    // Back by itself: the same server acknowledges again, and history shows no phantom write.
    EXPECT_TRUE(eventually([&] {
        try {
            gemeente.call(contribution(room, "after the database returned"), std::string("after-1"));
            return true;
        } catch (const client::RequestError&) {
            return false;
        }
    }));
    // Reads work at once: a read connection that the crash ended is replaced before it is used.
    auto seen = posted_texts(gemeente, room);
    if (refused == ErrorCode::unavailable) {
        EXPECT_EQ(seen, std::vector<std::string>{"after the database returned"});
    }
    EXPECT_TRUE(server.running());
}

// SIGTERM while members post: what was in flight is committed and acknowledged, nothing
// acknowledged is lost, nothing is stored unacknowledged, clients are told 1001.
TEST(Ops, GracefulShutdownUnderLoadLosesNothingAcknowledged) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    Member chair("gemeente", server.port());
    std::vector<std::string> writers{"politie", "ggz", "gi", "om"};
    std::vector<Member*> members;
    std::vector<std::unique_ptr<Member>> owned;
    for (const auto& w : writers) owned.push_back(std::make_unique<Member>(w, server.port())), members.push_back(owned.back().get());
    auto room = open_room_with(chair, members, "TERM-1");

    std::mutex mutex;
    std::set<std::string> acknowledged;
    std::atomic<int> attempted{0};
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < members.size(); ++w)
        threads.emplace_back([&, w] {
            for (int i = 0;; ++i) {
                std::string text = writers[w] + "-" + std::to_string(i);
                ++attempted;
                try {
                    members[w]->call(contribution(room, text), text);
                    std::lock_guard lock(mutex);
                    acknowledged.insert(text);
                } catch (const std::exception&) {
                    return;  // the server went away
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    server.stop();
    for (auto& t : threads) t.join();
    ASSERT_GT(acknowledged.size(), 20u);
    EXPECT_TRUE(server.wait_for_log({"server.stopped"}, std::chrono::seconds(1)));
    EXPECT_TRUE(server.wait_for_log({"going_away"}, std::chrono::seconds(1)));

    server.start();
    Member reader("gemeente", server.port());
    std::set<std::string> stored;
    std::optional<Cursor> after;
    for (;;) {
        auto page = reader.call(History{room, after, Int<1, 500>(500)});
        for (const auto& e : page.events)
            if (e.entry.kind == "contribution.posted") stored.insert(std::string(e.entry.data.at("text").as_string()));
        if (!page.next) break;
        after = page.next;
    }
    for (const auto& text : acknowledged) EXPECT_TRUE(stored.count(text)) << "acknowledged and lost: " << text;
    // Requests in flight were committed and acknowledged before the close; later ones refused.
    for (const auto& text : stored) EXPECT_TRUE(acknowledged.count(text)) << "stored without an acknowledgement: " << text;
    EXPECT_LE(stored.size(), static_cast<std::size_t>(attempted.load()));
    RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
    RecordProperty("stored", static_cast<int>(stored.size()));
}

TEST(Ops, TwoNodesOnOneDatabaseDeliverAcrossWithTheSameFiltering) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd one(database, {{"server.node_name", "one"}}), two(database, {{"server.node_name", "two"}});
    Member chair("gemeente", one.port()), politie("politie", two.port()), ggz("ggz", two.port());
    auto room = open_room_with(chair, {&politie, &ggz}, "NODES-1");
    politie.subscribe(room);
    ggz.subscribe(room);
    chair.call(contribution(room, "general, from node one"));
    chair.call(contribution(room, "health, from node one", Category::health));
    ggz.call(contribution(room, "health, from node two", Category::health));
    EXPECT_EQ(texts(politie.events()), (std::vector<std::string>{"general, from node one"}));
    EXPECT_EQ(texts(ggz.events()), (std::vector<std::string>{"general, from node one", "health, from node one",
                                                              "health, from node two"}));
    chair.subscribe(room);
    politie.call(contribution(room, "from node two to one"));
    EXPECT_EQ(texts(chair.events()), std::vector<std::string>{"from node two to one"});
}

// Runs `sql` as the schema's owner.
void as_owner(const TestDatabase& database, const std::string& sql) {
    pqxx::connection c(database.owner_url());
    pqxx::nontransaction(c).exec(sql);
}

// A login role with the runtime's privileges, so that a test can keep one node out of the
// database while another works on.
class NodeRole {
public:
    explicit NodeRole(const TestDatabase& database)
        : database_(database), name_("kamer_node_" + std::to_string(::getpid())) {
        admin("CREATE ROLE " + name_ + " LOGIN IN ROLE kamer_runtime");
    }
    ~NodeRole() {
        try {
            admin("DROP ROLE IF EXISTS " + name_);
        } catch (...) {
        }
    }
    std::string url() const {
        auto url = database_.runtime_url();
        url.replace(url.find("user=kamer_app"), std::string("user=kamer_app").size(), "user=" + name_);
        return url;
    }
    // Ends the role's connections, as a database restart or a failover does, and waits until
    // their backends are gone.
    void end_connections() {
        admin("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE usename = '" + name_ + "'");
    }
    // Ends the role's connections, and refuses new ones until let_in().
    void shut_out() {
        admin("ALTER ROLE " + name_ + " NOLOGIN");
        end_connections();
    }
    void let_in() { admin("ALTER ROLE " + name_ + " LOGIN"); }

private:
    void admin(const std::string& sql) const { as_owner(database_, sql); }

    const TestDatabase& database_;
    std::string name_;
};

// Two nodes on one database, node two logged in with a role the test can shut out; the chair
// (gemeente) is connected to node one, politie to node two.
struct TwoNodes {
    TestDatabase database;
    NodeRole role{with_demo_partners(database)};
    Kamerd one{database, {{"server.node_name", "one"}}};
    Kamerd two{database, {{"server.node_name", "two"}, {"database.url", role.url()}}};
    Member chair{"gemeente", one.port()};
    Member politie{"politie", two.port()};
};

// A node that lost its database connections misses the other nodes' notifications meanwhile.
// When its listener is back it reads the heads of the rooms its members follow: they get what
// was written meanwhile then, not only when the room's next entry comes.
TEST(Ops, ANodeBackFromLosingTheDatabaseDeliversWhatAnotherNodeWroteMeanwhile) {
    TwoNodes nodes;
    auto& [database, role, one, two, chair, politie] = nodes;
    auto room = open_room_with(chair, {&politie}, "NODES-CUT");
    politie.subscribe(room);
    chair.call(contribution(room, "before"));
    EXPECT_EQ(texts({politie.wait_for("contribution.posted")}), std::vector<std::string>{"before"});

    role.shut_out();
    ASSERT_TRUE(two.wait_for_log({"listener.disconnected"}));
    chair.call(contribution(room, "while node two was away"));
    role.let_in();
    EXPECT_EQ(texts({politie.wait_for("contribution.posted", std::chrono::seconds(10))}),
              std::vector<std::string>{"while node two was away"});
}

// The notices of invitations and removals, too: an organisation connected to the node that lost
// its database, invited meanwhile on another node to a room nobody on its node follows, gets
// the notice when the listener is back; once, although the node looks back a while before it
// was cut off, where it had sent the notice of an earlier invitation already.
// The rooms of the notices a member has received, after taking what arrives within `wait`.
std::vector<std::string> notice_rooms(Member& member, std::chrono::milliseconds wait) {
    auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until) member.events(std::chrono::milliseconds(100));
    std::vector<std::string> rooms;
    for (const auto& n : member.notices) rooms.emplace_back(protocol::decode_body<Notice>(n).room);
    return rooms;
}

TEST(Ops, ANodeBackFromLosingTheDatabaseSendsTheNoticesItMissed) {
    using namespace std::chrono_literals;
    TwoNodes nodes;
    auto& [database, role, one, two, chair, politie] = nodes;
    auto notices_in = [&](std::chrono::milliseconds wait) { return notice_rooms(politie, wait); };
    RoomOpen open;
    open.case_ref = "NOTICE-BEFORE";
    auto before = *chair.call(open).room;
    chair.call(MemberInvite{before, politie.oin(), Role::participant});
    EXPECT_EQ(notices_in(1s), std::vector<std::string>{before});

    role.shut_out();
    ASSERT_TRUE(two.wait_for_log({"listener.disconnected"}));
    open.case_ref = "NOTICE-AWAY";
    auto away = *chair.call(open).room;
    chair.call(MemberInvite{away, politie.oin(), Role::participant});
    role.let_in();
    ASSERT_TRUE(two.wait_for_log({"notices.recovered"}));
    EXPECT_EQ(notices_in(1s), (std::vector<std::string>{before, away}));
}

// A recovery of notices that cannot read what it owes tries again until it can: here the
// node is let in while the entries cannot be read yet.
TEST(Ops, ANoticeRecoveryThatCannotReadTriesAgainUntilItCan) {
    using namespace std::chrono_literals;
    TwoNodes nodes;
    auto& [database, role, one, two, chair, politie] = nodes;
    role.shut_out();
    ASSERT_TRUE(two.wait_for_log({"listener.disconnected"}));
    RoomOpen open;
    open.case_ref = "NOTICE-RETRIED";
    auto away = *chair.call(open).room;
    chair.call(MemberInvite{away, politie.oin(), Role::participant});
    as_owner(database, "REVOKE SELECT ON entries FROM kamer_runtime");
    role.let_in();
    bool failed = two.wait_for_log({"notices.recovery_failed"});
    as_owner(database, "GRANT SELECT ON entries TO kamer_runtime");
    ASSERT_TRUE(failed);
    ASSERT_TRUE(two.wait_for_log({"notices.recovered"}, 10s));
    EXPECT_EQ(notice_rooms(politie, 1s), std::vector<std::string>{away});
}

// A node writes a batch whose rooms it holds in memory in one round trip, and checks at commit
// that no other node wrote them meanwhile. When one did, or the message id was stored before,
// the transaction is rolled back and the batch runs again the long way: every call is
// answered, and stored once and in order, as with one node. The disclosure log, likewise
// appended in one round trip on the head a node holds, stays one whole chain.
TEST(WritePath, OneTripBatchesRunAgainWhenAnotherNodeWroteTheRoomOrTheIdWasStored) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd one(database, {{"server.node_name", "one"}}), two(database, {{"server.node_name", "two"}});
    Member chair("gemeente", one.port()), politie("politie", two.port());
    const std::string moved = "kamer_write_rerun_total{why=\"room_moved\"}",
                      stored = "kamer_write_rerun_total{why=\"id_stored\"}";

    // Opened and invited on node one (in one trip each: the new room is in its memory), accepted on two.
    auto room = open_room_with(chair, {&politie}, "ONE-TRIP-1");
    EXPECT_GE(one.metric("kamer_write_one_trip_total"), 2);
    EXPECT_EQ(one.metric(moved), 0);
    // Node one's copy of the room is one entry behind: its check fails, the batch runs again.
    chair.call(contribution(room, "first, from node one"));
    EXPECT_EQ(one.metric(moved), 1);
    politie.call(contribution(room, "second, from node two"));
    // A room found written by another node goes the long way from then on.
    chair.call(contribution(room, "third, from node one"));
    EXPECT_EQ(one.metric(moved), 1);
    const std::vector<std::string> all{"first, from node one", "second, from node two", "third, from node one"};
    EXPECT_EQ(texts(chair.subscribe(room)), all);
    EXPECT_EQ(texts(politie.subscribe(room)), all);

    // A message id sent again, in a room only node one writes: the stored reply, applied once.
    RoomOpen open;
    open.case_ref = "ONE-TRIP-2";
    auto own = *chair.call(open).room;
    auto trips = one.metric("kamer_write_one_trip_total");
    auto first = chair.call(contribution(own, "only once"), std::string("one-trip-key"));
    EXPECT_EQ(one.metric("kamer_write_one_trip_total"), trips + 1);
    auto again = chair.call(contribution(own, "only once"), std::string("one-trip-key"));
    EXPECT_EQ(one.metric(stored), 1);
    EXPECT_EQ(*first.item, *again.item);
    // Sent a third time: the room now goes the long way, so the rerun (a fresh read of the
    // room) is not paid again for every resend.
    trips = one.metric("kamer_write_one_trip_total");
    auto third = chair.call(contribution(own, "only once"), std::string("one-trip-key"));
    EXPECT_EQ(*first.item, *third.item);
    EXPECT_EQ(one.metric(stored), 1);
    EXPECT_EQ(one.metric("kamer_write_one_trip_total"), trips);
    EXPECT_EQ(texts(chair.subscribe(own)), std::vector<std::string>{"only once"});
    EXPECT_EQ(one.metric("kamer_write_failures_total"), 0);
    EXPECT_EQ(two.metric("kamer_write_failures_total"), 0);

    // Both nodes logged disclosures to the one chain, each keeping its head: a node whose
    // append found the other's rows first built its rows again, and the chain is whole.
    EXPECT_GE(one.metric("kamer_disclosure_rebuilt_total") + two.metric("kamer_disclosure_rebuilt_total"), 1);
    auto c = server::store::connect(database.owner_url());
    auto chain = server::audit::verify(*c);
    EXPECT_TRUE(chain.intact) << chain.problem;
    EXPECT_GT(chain.rows, 0u);
}

// A write batch that PostgreSQL ends as a deadlock's victim runs again, and its changes are
// stored and answered, not refused as `unavailable`. The deadlock is real: a transaction of the
// test holds the message id the batch stores and then asks for the room the batch has locked.
// The batch goes in one trip on the room kamerd holds in memory; that try's cache is dropped
// when it fails, so the retry must go the long way.
TEST(WritePath, ABatchEndedByADeadlockRunsAgainAndIsAnswered) {
    using namespace std::chrono_literals;
    TestDatabase database;
    database.register_demo_partners();
    Kamerd node(database);
    Member chair("gemeente", node.port());
    auto room = open_room_with(chair, {}, "DEADLOCK-1");

    auto c = server::store::connect(database.owner_url()), watch = server::store::connect(database.owner_url());
    std::future<ContributionPost::reply> posted;  // declared first: the test's transaction ends before it is waited for
    pqxx::work holder(*c);
    holder.exec("SET LOCAL deadlock_timeout = '1min'");  // so that kamerd's batch is the one ended
    holder.exec_params(
        "INSERT INTO ops (org_id, client_id, request_hash, reply) SELECT id, $1, '\\x00', 'held' FROM organisations"
        " WHERE oin = $2",
        std::string("deadlock-key"), chair.oin());
    posted = std::async(std::launch::async,
                        [&] { return chair.call(contribution(room, "through a deadlock"), std::string("deadlock-key")); });
    auto batch_waits = [&] {
        for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;
             std::this_thread::sleep_for(10ms))
            if (pqxx::nontransaction(*watch)
                    .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
                                  database.name())[0]
                    .as<int>() > 0)
                return true;
        return false;
    };
    ASSERT_TRUE(batch_waits()) << "the batch did not wait for the message id the test holds";
    holder.exec_params("SELECT 1 FROM rooms WHERE public_id = $1 FOR UPDATE", room);  // returns once the batch is ended
    holder.abort();

    ContributionPost::reply reply;
    ASSERT_NO_THROW(reply = posted.get()) << "the batch was not run again";
    EXPECT_TRUE(reply.item);
    EXPECT_EQ(posted_texts(chair, room), std::vector<std::string>{"through a deadlock"});
    EXPECT_EQ(node.metric("kamer_write_failures_total"), 1) << "the deadlock was not what ended the first try";
}

// A PKI of this test's own, so that it can rotate and revoke without touching the others'.
class PrivatePki {
public:
    PrivatePki() : dir_(fs::temp_directory_path() / ("kamer-reload-" + std::to_string(::getpid()))) {
        run("init --force");
    }
    ~PrivatePki() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void run(const std::string& args) {
        std::string line = source_dir() + "/certs/kamer-pki --dir " + dir_.string() + " " + args + " >/dev/null 2>&1";
        ASSERT_EQ(std::system(line.c_str()), 0) << line;
    }
    std::string path(const std::string& relative) const { return (dir_ / relative).string(); }
    client::ConnectOptions client(const std::string& slug, std::uint16_t port, const std::string& server_name = "localhost") {
        client::ConnectOptions o;
        o.port = port;
        o.server_name = server_name;
        o.certificate_file = path("orgs/" + slug + ".pem");
        o.private_key_file = path("orgs/" + slug + ".key");
        o.ca_file = path("ca-bundle.pem");
        return o;
    }

private:
    fs::path dir_;
};

bool connects(const client::ConnectOptions& o) {
    try {
        client::BlockingConnection c(o);
        return true;
    } catch (const client::ConnectError&) {
        return false;
    }
}

// SIGHUP under live connections: a rotated server certificate and an updated CRL take effect
// for new handshakes, open sessions stay, and the session of a newly revoked organisation ends.
TEST(Ops, ReloadRotatesTheCertificateAndClosesSessionsOfRevokedOrganisations) {
    PrivatePki pki;
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"tls.certificate", pki.path("server/server.pem")},
                             {"tls.private_key", pki.path("server/server.key")},
                             {"tls.trust_store", pki.path("ca-bundle.pem")},
                             {"tls.crl", pki.path("crl.pem")}});
    client::BlockingConnection politie(pki.client("politie", server.port())), ggz(pki.client("ggz", server.port()));
    EXPECT_FALSE(connects(pki.client("gi", server.port(), "kamer.test"))) << "the old certificate has no kamer.test";

    pki.run("issue-server --name rotated --san DNS:kamer.test");
    fs::copy_file(pki.path("server/rotated.pem"), pki.path("server/server.pem"), fs::copy_options::overwrite_existing);
    fs::copy_file(pki.path("server/rotated.key"), pki.path("server/server.key"), fs::copy_options::overwrite_existing);
    pki.run("revoke --slug politie");
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_log({"tls.reloaded"}));

    EXPECT_TRUE(server.wait_for_log({"session.certificate_invalid", partner("politie").oin, "revoked"}));
    EXPECT_TRUE(eventually([&] { return politie.close_code() == 4003; })) << politie.close_code();
    EXPECT_NO_THROW(ggz.call(Ping{})) << "a session whose certificate is still good stays";
    EXPECT_TRUE(connects(pki.client("gi", server.port(), "kamer.test"))) << "new handshakes use the new certificate";
    EXPECT_FALSE(connects(pki.client("politie", server.port()))) << "the revoked organisation is refused";

    // Broken material keeps the old in force.
    std::ofstream(pki.path("crl.pem"), std::ios::trunc) << "not a CRL";
    server.send_signal(SIGHUP);
    EXPECT_TRUE(server.wait_for_log({"tls.reload_failed"}));
    EXPECT_TRUE(connects(pki.client("ggz", server.port())));
}

struct CheckResult {
    int status;
    std::string out;
};
CheckResult check_config(const std::string& text) {
    auto path = fs::temp_directory_path() / ("kamer-check-" + std::to_string(::getpid()) + ".conf");
    std::ofstream(path) << text;
    std::string command = std::string(KAMERD_PATH) + " -c " + path.string() + " --check-config 2>&1";
    FILE* p = popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = pclose(p);
    fs::remove(path);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

TEST(CheckConfig, NamesEveryProblemOfABrokenFile) {
    std::string pki = pki_dir();
    std::string tls = "[tls]\ncertificate = " + pki + "/server/server.pem\nprivate_key = " + pki +
                      "/server/server.key\ntrust_store = " + pki + "/ca-bundle.pem\ncrl = " + pki + "/crl.pem\n";
    std::string good = tls + "[policy]\nagreement = " + source_dir() + "/server/config/convenant.json\n";
    auto ok = check_config(good);
    EXPECT_EQ(ok.status, 0) << ok.out;

    struct Case {
        std::string text, expected;
    };
    for (const auto& c : std::vector<Case>{
             {good + "[server]\nlisten = localhost\n", "server.listen"},
             {good + "[server]\nlisten = 127.0.0.1:99999\n", "port must be a number"},
             {good + "[server]\nlisen = 127.0.0.1:1\n", "lisen"},
             {good + "[limits]\nmax_depth = deep\n", "max_depth"},
             {good + "[log]\nlevel = loud\n", "log.level"},
             {good + "[ops]\nlisten = nowhere\n", "ops.listen"},
             {"[tls]\ncertificate = /nonexistent/server.pem\n", "/nonexistent/server.pem"},
             {tls + "[policy]\nagreement = /nonexistent/convenant.json\n", "/nonexistent/convenant.json"},
             {good + "[limits]\nsend_queue_bytes = 10\n", "send_queue_bytes"},
             {good + "[limits]\nsend_queue_max_bytes = 65536\n", "send_queue_max_bytes"},
             {good + "[limits]\nslow_consumer_seconds = 0\n", "slow_consumer_seconds"},
         }) {
        // Exit 2: the file does not parse; exit 1: it parses but is not usable.
        auto r = check_config(c.text);
        EXPECT_TRUE(r.status == 1 || r.status == 2) << c.expected << "\n" << r.out;
        EXPECT_NE(r.out.find(c.expected), std::string::npos) << c.expected << "\n" << r.out;
    }
}

// A restart, a failover or an administrator can end a connection while it sits idle. The read
// pool, the writer and the disclosure log find that end before they use the connection, so the
// next read and the next write work instead of answering `unavailable` or `outcome_unknown`.
TEST(Ops, ConnectionsTheDatabaseEndedWhileIdleAreReplacedBeforeTheyAreUsed) {
    TestDatabase database;
    database.register_demo_partners();
    NodeRole role(database);
    // One reader, so that the read below is sure to meet the connection that was ended.
    Kamerd server(database, {{"database.url", role.url()}, {"database.pool_size", "1"}});
    Member gemeente("gemeente", server.port());
    auto room = open_room_with(gemeente, {}, "IDLE-END");
    gemeente.call(contribution(room, "before"), std::string("idle-1"));
    ASSERT_FALSE(gemeente.call(History{room, {}, {}}).events.empty());

    role.end_connections();
    EXPECT_EQ(posted_texts(gemeente, room), std::vector<std::string>{"before"});
    gemeente.call(contribution(room, "after"), std::string("idle-2"));
    EXPECT_TRUE(server.wait_for_log({"db.connection_ended", "reader"}));
    EXPECT_TRUE(server.wait_for_log({"db.connection_ended", "writer"}));
    EXPECT_EQ(server.log().find("write.failed"), std::string::npos);
}

}  // namespace
}  // namespace kamer::test
