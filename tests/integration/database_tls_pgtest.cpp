// kamerd reaches a PostgreSQL on another host over TLS with sslmode=verify-full: it works when
// the database's certificate comes from the configured CA and names the host it dialled, and
// it refuses to start otherwise (no fallback to an unverified or unencrypted connection).
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "harness.hpp"
#include "member.hpp"
#include "private_cluster.hpp"

namespace kamer::test {
namespace {

void replace(std::string& text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
}

TEST(DatabaseTls, KamerdWorksOverVerifyFullAndEveryConnectionOfItsIsEncrypted) {
    PrivateCluster cluster(PrivateCluster::Reach::tls);
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    Kamerd server(unused, cluster.kamerd_settings());
    cluster.register_demo_partners(server.port());

    Member chair("gemeente", server.port());
    protocol::RoomOpen open;
    open.case_ref = "TLS-TO-THE-DATABASE";
    auto room = *chair.call(open).room;
    protocol::ContributionPost post;
    post.room = room;
    post.text = "stored over an encrypted, verified connection";
    post.category = protocol::Category::general;
    chair.call(post);
    EXPECT_EQ(texts(chair.subscribe(room)), std::vector<std::string>{post.text});

    pqxx::connection admin(cluster.url("kamer"));
    pqxx::nontransaction tx(admin);
    auto row = tx.exec1(
        "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl) "
        "FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'kamer_app'");
    EXPECT_GT(row[0].as<int>(), 0) << "kamerd's connections are TLS";
    EXPECT_EQ(row[1].as<int>(), 0) << "and none of them is not";
}

TEST(DatabaseTls, KamerdRefusesADatabaseItCannotVerify) {
    PrivateCluster cluster(PrivateCluster::Reach::tls);
    TestDatabase unused;
    // A certificate from a CA kamerd was not told to trust: here the Kamer PKI's own root.
    auto foreign_ca = cluster.kamerd_settings();
    replace(foreign_ca["database.migrate_url"], cluster.tls_ca(), pki_dir() + "/root-ca/cert.pem");
    expect_start_refused(unused, foreign_ca, "certificate verify failed");
    // The right CA, but the certificate names "localhost" and kamerd dialled 127.0.0.1.
    auto other_name = cluster.kamerd_settings();
    replace(other_name["database.migrate_url"], "host=localhost", "host=127.0.0.1");
    expect_start_refused(unused, other_name, "does not match host name");
    // The control: the same settings with the right CA and name start.
    EXPECT_NO_THROW(Kamerd(unused, cluster.kamerd_settings()));
}

}  // namespace
}  // namespace kamer::test
