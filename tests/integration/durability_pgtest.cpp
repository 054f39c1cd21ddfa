// An acknowledgement means durable: kamerd refuses to start against a PostgreSQL that would
// acknowledge a commit it could lose (fsync, synchronous_commit or full_page_writes off).
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "harness.hpp"
#include "private_cluster.hpp"

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

}  // namespace
}  // namespace kamer::test
