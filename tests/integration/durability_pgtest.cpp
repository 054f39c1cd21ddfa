// An acknowledgement means durable: kamerd refuses to start against a PostgreSQL that would
// acknowledge a commit it could lose (fsync, synchronous_commit or full_page_writes off). And
// what is committed is also logged and delivered: the writer waits while delivery is behind; an
// idle writer lets a batch gather, but not a lone client's, and not past a full batch or stop(); and
// the write batch finds its idempotency keys in ops by index, not by reading the table. A
// connection the server ended while it sat idle is replaced before it is used.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <pqxx/pqxx>

#include "delivery/cursor.hpp"
#include "harness.hpp"
#include "identity/partner_registry.hpp"
#include "obs/metrics.hpp"
#include "policy/agreement.hpp"
#include "private_cluster.hpp"
#include "rooms/writer.hpp"
#include "store/batch_transaction.hpp"
#include "store/database.hpp"
#include "store/room_store.hpp"

namespace kamer::test {
namespace {

TEST(Durability, KamerdRefusesADatabaseWhoseCommitsAreNotDurable) {
    TestDatabase database;
    {
        pqxx::connection c(database.owner_url());
        pqxx::nontransaction tx(c);
        tx.exec("ALTER DATABASE " + tx.quote_name(database.name()) + " SET synchronous_commit = off");
    }
    expect_start_refused(database, {}, "synchronous_commit=off");
}

TEST(Durability, KamerdRefusesAClusterWithoutFsyncOrFullPageWrites) {
    PrivateCluster cluster;
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    auto set = [&](const std::string& setting, const std::string& value) {
        pqxx::connection c(cluster.url("kamer"));  // not store::connect: that refuses such a cluster too
        pqxx::nontransaction tx(c);
        tx.exec("ALTER SYSTEM SET " + setting + " = " + value);
        tx.exec("SELECT pg_reload_conf()");
    };
    EXPECT_NO_THROW(Kamerd(unused, cluster.kamerd_settings())) << "the control: a durable cluster is accepted";
    set("fsync", "off");
    expect_start_refused(unused, cluster.kamerd_settings(), "fsync=off");
    set("fsync", "on");
    set("full_page_writes", "off");
    expect_start_refused(unused, cluster.kamerd_settings(), "full_page_writes=off");
}

// The real writer on a fresh database with the sharing agreement of server/config, started.
// Whatever it answers into must be declared before it: it answers what is queued when it stops.
struct RunningWriter {
    TestDatabase database;
    server::identity::PartnerRegistry registry;
    std::shared_ptr<const server::policy::Agreement> agreement =
        server::policy::Agreement::load(source_dir() + "/server/config/convenant.json");
    server::delivery::CursorCodec cursors{std::array<unsigned char, 16>{}};
    server::rooms::Writer writer;

    explicit RunningWriter(server::rooms::Writer::Options options)
        : writer(database.runtime_url(), registry, [this] { return agreement; }, cursors,
                 [](std::vector<server::rooms::Published>) {}, std::move(options)) {
        writer.start();
    }
};

// A change that writes nothing and is answered into `replied` once its batch committed.
server::rooms::WriteRequest empty_change(std::promise<std::string>& replied) {
    server::rooms::WriteRequest request;
    request.command = [](server::rooms::WriteContext&) { return server::rooms::Outcome::ok(protocol::Ok{}); };
    request.respond = [&replied](std::string encoded) { replied.set_value(std::move(encoded)); };
    return request;
}

// The real writer on a real database, with delivery reported behind until the test says it
// has caught up: nothing is committed (so nothing acknowledged) before that, everything after.
TEST(WritePath, WaitsWhileDeliveryIsBehindAndGoesOnAfter) {
    using namespace std::chrono_literals;
    std::atomic<bool> behind{true};
    std::promise<std::string> replied;
    RunningWriter w({.node = "test", .delivery_behind = [&] { return behind.load(); }});
    ASSERT_TRUE(w.writer.submit(empty_change(replied)));
    auto reply = replied.get_future();
    EXPECT_EQ(reply.wait_for(300ms), std::future_status::timeout) << "committed while delivery was behind";
    EXPECT_EQ(w.writer.queued(), 1u);
    behind = false;
    ASSERT_EQ(reply.wait_for(10s), std::future_status::ready) << "did not go on once delivery caught up";
    EXPECT_EQ(reply.get().find("error"), std::string::npos);
    w.writer.stop();
}

// An idle writer lets a batch gather (batch_wait) before it commits, but not the change of a
// lone client that sends one at a time, never past a full batch and never past stop(): what
// is queued then is committed and answered at once.
TEST(WritePath, AnIdleWriterLetsABatchGatherUntilItIsFullOrStopped) {
    using namespace std::chrono_literals;
    std::atomic<bool> behind{false};
    std::vector<std::promise<std::string>> replied(7);
    RunningWriter w({.max_batch = 3,
                     .batch_wait = std::chrono::hours(1),
                     .node = "test",
                     .delivery_behind = [&] { return behind.load(); }});
    auto& writer = w.writer;
    auto submit = [&](std::size_t i) { ASSERT_TRUE(writer.submit(empty_change(replied[i]))); };
    auto answered = [&](std::size_t i, std::chrono::milliseconds within) {
        return replied[i].get_future().wait_for(within) == std::future_status::ready;
    };
    auto& batches = obs::metrics().counter("kamer_write_batches_total", "Write transactions committed");
    auto before = batches.value();

    submit(0);
    ASSERT_TRUE(answered(0, 10s)) << "a lone client's change waited to gather";
    behind = true;  // holds the writer while two changes queue: they go as one batch
    submit(1);
    submit(2);
    behind = false;
    ASSERT_TRUE(answered(1, 10s));
    ASSERT_TRUE(answered(2, 10s));
    EXPECT_EQ(batches.value() - before, 2u);

    submit(3);  // after a batch of two, changes trickle in from several clients: gather
    submit(4);
    auto third = replied[3].get_future();
    EXPECT_EQ(third.wait_for(300ms), std::future_status::timeout) << "committed before the batch was full";
    EXPECT_EQ(writer.queued(), 2u);
    submit(5);
    ASSERT_EQ(third.wait_for(10s), std::future_status::ready) << "a full batch still waited";
    EXPECT_TRUE(answered(4, 10s));
    EXPECT_TRUE(answered(5, 10s));
    EXPECT_EQ(batches.value() - before, 3u) << "the three changes were not committed together";

    submit(6);
    auto last = replied[6].get_future();
    writer.stop();  // does not wait out the hour
    ASSERT_EQ(last.wait_for(0s), std::future_status::ready) << "stop() left a gathering change unanswered";
    EXPECT_EQ(last.get().find("error"), std::string::npos);
    EXPECT_EQ(batches.value() - before, 4u);
}

// Every write batch looks its idempotency keys up in ops, which grows with every change, and
// its rooms up in rooms: the plan PostgreSQL keeps for that statement must use the indexes,
// whether it was made on an empty table never analysed (a young deployment) or after ANALYZE.
TEST(WritePath, IdempotencyLookupUsesTheIndexOfOps) {
    TestDatabase database;
    database.register_demo_partners();
    auto c = server::store::connect(database.owner_url());
    server::store::prepare_writes(*c);
    // The plan kept once PostgreSQL stops planning per call, made now, while ops is empty.
    pqxx::nontransaction(*c).exec("SET plan_cache_mode = force_generic_plan");
    auto kept_plan = [&] {
        std::string plan;
        for (const auto& row : pqxx::nontransaction(*c).exec("EXPLAIN EXECUTE kamer_start_batch('{}', '{1}', '{x}')"))
            plan.append(row[0].c_str()).append("\n");
        return plan;
    };
    kept_plan();

    const std::string odd = R"(a"b\c,{d} e)";  // every character an array literal must quote
    int org = 0;
    {
        pqxx::nontransaction setup(*c);
        org = setup.exec1("SELECT min(id) FROM organisations")[0].as<int>();
        setup.exec("INSERT INTO ops (org_id, client_id, request_hash, reply) SELECT " + std::to_string(org) +
                   ", 'id-' || n, '\\x00', 'r' FROM generate_series(1, 5000) n");
        setup.exec_params("INSERT INTO ops (org_id, client_id, request_hash, reply) VALUES ($1, $2, '\\xab', 'stored')",
                          org, odd);
    }
    std::string plan = kept_plan();
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << "made on the empty table:\n" << plan;
    EXPECT_NE(plan.find("ops_pkey"), std::string::npos) << plan;
    {
        server::store::BatchTransaction tx(*c);
        auto start = server::store::start_batch(tx, {{org, odd}, {org, "id-7"}, {org, "absent"}}, {});
        ASSERT_EQ(start.replies.size(), 2u);
        EXPECT_EQ(start.replies.at({org, odd}).reply, "stored");
        EXPECT_EQ(start.replies.at({org, odd}).request_hash, "ab");
        EXPECT_EQ(start.replies.count({org, "id-7"}), 1u);
    }
    pqxx::nontransaction(*c).exec("ANALYZE ops");  // which makes PostgreSQL plan the statement again
    plan = kept_plan();
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << "made after ANALYZE:\n" << plan;
    EXPECT_NE(plan.find("ops_pkey"), std::string::npos) << plan;
}

// A database of its own with an empty table batch_probe, for BatchTransaction to write.
struct BatchProbe {
    TestDatabase database;
    std::unique_ptr<pqxx::connection> c = server::store::connect(database.owner_url());
    BatchProbe() { pqxx::nontransaction(*c).exec("CREATE TABLE batch_probe (x integer PRIMARY KEY)"); }
    int count() { return pqxx::nontransaction(*c).exec1("SELECT count(*) FROM batch_probe")[0].as<int>(); }
};

// The writer's transaction: BEGIN travels with the reads, COMMIT with the writes. What is not
// committed is rolled back, a failing write takes the batch's other writes with it, and a
// caller that went on after a failed statement cannot commit (a bare COMMIT there would roll
// back without an error, and the writer would acknowledge what was lost).
TEST(BatchTransaction, CommitsAllOfItsWritesOrNone) {
    BatchProbe probe;
    auto& c = probe.c;
    auto count = [&] { return probe.count(); };
    {
        server::store::BatchTransaction tx(*c);
        EXPECT_EQ(tx.begin("SELECT count(*) FROM batch_probe")[0][0].as<int>(), 0);
        tx.statements().exec("INSERT INTO batch_probe VALUES (1)");
        tx.commit("INSERT INTO batch_probe VALUES (2);\nINSERT INTO batch_probe VALUES (3);\n");
    }
    EXPECT_EQ(count(), 3);
    {
        server::store::BatchTransaction tx(*c);
        tx.begin("SELECT 1");
        tx.statements().exec("INSERT INTO batch_probe VALUES (4)");
    }
    EXPECT_EQ(count(), 3) << "what is not committed is rolled back";
    {
        server::store::BatchTransaction tx(*c);
        tx.begin("SELECT 1");
        EXPECT_THROW(tx.commit("INSERT INTO batch_probe VALUES (5);\nINSERT INTO batch_probe VALUES (1);\n"),
                     pqxx::unique_violation);
    }
    EXPECT_EQ(count(), 3) << "a failing write takes the batch's other writes with it";
    {
        server::store::BatchTransaction tx(*c);
        tx.begin("SELECT 1");
        tx.statements().exec("INSERT INTO batch_probe VALUES (6)");
        EXPECT_THROW(tx.statements().exec("INSERT INTO batch_probe VALUES (1)"), pqxx::unique_violation);
        EXPECT_THROW(tx.commit(""), pqxx::sql_error) << "committed an aborted transaction as if it were whole";
    }
    EXPECT_EQ(count(), 3);
}

// Without a begin, BEGIN travels with the writes and COMMIT: one round trip, still all or none.
TEST(BatchTransaction, NotBegunItCommitsInOneTripAllOfItsWritesOrNone) {
    BatchProbe probe;
    auto& c = probe.c;
    auto count = [&] { return probe.count(); };
    {
        server::store::BatchTransaction tx(*c);
        tx.commit("INSERT INTO batch_probe VALUES (1);\nINSERT INTO batch_probe VALUES (2);\n");
        EXPECT_FALSE(tx.begun());
    }
    EXPECT_EQ(count(), 2);
    {
        server::store::BatchTransaction tx(*c);
        EXPECT_THROW(tx.commit("INSERT INTO batch_probe VALUES (3);\nINSERT INTO batch_probe VALUES (1);\n"),
                     pqxx::unique_violation);
    }
    EXPECT_EQ(count(), 2) << "a failing write takes the batch's other writes with it";
    EXPECT_EQ(count(), 2) << "the connection is usable again: the aborted transaction was rolled back";
}

TEST(BatchTransaction, AConnectionLostOnTheWayToCommitIsReportedInDoubt) {
    TestDatabase database;
    auto c = server::store::connect(database.owner_url());
    server::store::BatchTransaction tx(*c);
    auto pid = tx.begin("SELECT pg_backend_pid()")[0][0].as<int>();
    auto other = server::store::connect(database.owner_url());
    pqxx::nontransaction(*other).exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
    EXPECT_THROW(tx.commit("SELECT 1;\n"), pqxx::in_doubt_error);
}

// Before a connection is used, one that the server ended while it sat idle is dropped, so that
// the caller connects afresh instead of failing; a healthy one is kept, or every use would cost
// a new connection.
TEST(Connection, OneTheServerEndedWhileIdleIsDroppedAndAHealthyOneIsKept) {
    TestDatabase database;
    auto c = server::store::connect(database.owner_url());
    auto pid = pqxx::nontransaction(*c).exec1("SELECT pg_backend_pid()")[0].as<int>();
    EXPECT_FALSE(server::store::drop_if_ended(c, "test"));
    ASSERT_TRUE(c);
    EXPECT_EQ(pqxx::nontransaction(*c).exec1("SELECT 1")[0].as<int>(), 1);

    auto other = server::store::connect(database.owner_url());
    pqxx::nontransaction(*other).exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ", 10000)");
    EXPECT_TRUE(server::store::drop_if_ended(c, "test"));
    EXPECT_FALSE(c);
    EXPECT_FALSE(server::store::drop_if_ended(c, "test")) << "nothing left to drop";
}

}  // namespace
}  // namespace kamer::test
