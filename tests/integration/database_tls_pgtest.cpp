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

std::map<std::string, std::string> database_settings(const std::string& runtime_url, const std::string& owner_url) {
    return {{"database.url", runtime_url}, {"database.migrate_url", owner_url}};
}

void replace(std::string& text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
}

TEST(DatabaseTls, KamerdWorksOverVerifyFullAndEveryConnectionOfItsIsEncrypted) {
    PrivateCluster cluster(PrivateCluster::Reach::tls);
    TestDatabase unused;  // the harness wants one; this server runs on the private cluster
    Kamerd server(unused, database_settings(cluster.url("kamer_app"), cluster.url("kamer")));
    cluster.register_demo_partners();

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
    auto refused = [&](const std::string& runtime_url, const std::string& owner_url, const std::string& reason) {
        try {
            Kamerd server(unused, database_settings(runtime_url, owner_url));
            ADD_FAILURE() << "kamerd started against a database it could not verify (" << reason << ")";
        } catch (const std::runtime_error& e) {
            EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
        }
    };
    // A certificate from a CA kamerd was not told to trust: here the Kamer PKI's own root.
    std::string foreign_ca = cluster.url("kamer");
    replace(foreign_ca, cluster.tls_ca(), pki_dir() + "/root-ca/cert.pem");
    refused(cluster.url("kamer_app"), foreign_ca, "certificate verify failed");
    // The right CA, but the certificate names "localhost" and kamerd dialled 127.0.0.1.
    std::string other_name = cluster.url("kamer");
    replace(other_name, "host=localhost", "host=127.0.0.1");
    refused(cluster.url("kamer_app"), other_name, "does not match host name");
    // The control: the same settings with the right CA and name start.
    EXPECT_NO_THROW(Kamerd(unused, database_settings(cluster.url("kamer_app"), cluster.url("kamer"))));
}

}  // namespace
}  // namespace kamer::test
