// An acknowledgement means durable: kamerd refuses to start against a PostgreSQL that would
// acknowledge a commit it could lose (fsync, synchronous_commit or full_page_writes off). And
// what is committed is also logged and delivered: the writer waits while delivery is behind.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <pqxx/pqxx>

#include "delivery/cursor.hpp"
#include "harness.hpp"
#include "identity/partner_registry.hpp"
#include "policy/agreement.hpp"
#include "private_cluster.hpp"
#include "rooms/writer.hpp"

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

// The real writer on a real database, with delivery reported behind until the test says it
// has caught up: nothing is committed (so nothing acknowledged) before that, everything after.
TEST(WritePath, WaitsWhileDeliveryIsBehindAndGoesOnAfter) {
    using namespace std::chrono_literals;
    TestDatabase database;
    server::identity::PartnerRegistry registry;
    auto agreement = server::policy::Agreement::load(source_dir() + "/server/config/convenant.json");
    server::delivery::CursorCodec cursors(std::array<unsigned char, 16>{});
    std::atomic<bool> behind{true};
    server::rooms::Writer writer(
        database.runtime_url(), registry, [&] { return agreement; }, cursors, [](std::vector<server::rooms::Published>) {},
        {.node = "test", .delivery_behind = [&] { return behind.load(); }});
    writer.start();
    std::promise<std::string> replied;
    server::rooms::WriteRequest request;
    request.command = [](server::rooms::WriteContext&) { return server::rooms::Outcome::ok(protocol::Ok{}); };
    request.respond = [&](std::string encoded) { replied.set_value(std::move(encoded)); };
    ASSERT_TRUE(writer.submit(std::move(request)));
    auto reply = replied.get_future();
    EXPECT_EQ(reply.wait_for(300ms), std::future_status::timeout) << "committed while delivery was behind";
    EXPECT_EQ(writer.queued(), 1u);
    behind = false;
    ASSERT_EQ(reply.wait_for(10s), std::future_status::ready) << "did not go on once delivery caught up";
    EXPECT_EQ(reply.get().find("error"), std::string::npos);
    writer.stop();
}

}  // namespace
}  // namespace kamer::test
