// An acknowledgement means durable: kamerd refuses to start against a PostgreSQL that would
// acknowledge a commit it could lose (fsync, synchronous_commit or full_page_writes off).
#include <gtest/gtest.h>

#include <functional>
#include <pqxx/pqxx>

#include "harness.hpp"
#include "private_cluster.hpp"

namespace kamer::test {
namespace {

void expect_refused(const std::function<void()>& start, const std::string& setting) {
    try {
        start();
        ADD_FAILURE() << "kamerd started with " << setting;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(setting), std::string::npos) << e.what();
    }
}

TEST(Durability, KamerdRefusesADatabaseWhoseCommitsAreNotDurable) {
    TestDatabase database;
    {
        pqxx::connection c(database.owner_url());
        pqxx::nontransaction tx(c);
        tx.exec("ALTER DATABASE " + tx.quote_name(database.name()) + " SET synchronous_commit = off");
    }
    expect_refused([&] { Kamerd server(database); }, "synchronous_commit=off");
}

TEST(Durability, KamerdRefusesAClusterWithoutFsyncOrFullPageWrites) {
    PrivateCluster cluster;
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    auto start = [&] {
        Kamerd server(unused, {{"database.url", cluster.url("kamer_app")}, {"database.migrate_url", cluster.url("kamer")}});
    };
    auto set = [&](const std::string& setting, const std::string& value) {
        pqxx::connection c(cluster.url("kamer"));  // not store::connect: that refuses such a cluster too
        pqxx::nontransaction tx(c);
        tx.exec("ALTER SYSTEM SET " + setting + " = " + value);
        tx.exec("SELECT pg_reload_conf()");
    };
    EXPECT_NO_THROW(start()) << "the control: a durable cluster is accepted";
    set("fsync", "off");
    expect_refused(start, "fsync=off");
    set("fsync", "on");
    set("full_page_writes", "off");
    expect_refused(start, "full_page_writes=off");
}

}  // namespace
}  // namespace kamer::test
