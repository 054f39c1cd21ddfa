// Who may connect: every refused case ends with its documented outcome (TLS alert or close
// code), is logged with its reason, and leaves the server serving the next client.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "tls_probe.hpp"
#include "tls_recorder.hpp"

#include <openssl/ssl.h>
#include <set>
#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/close_codes.hpp"

namespace kamer::test {
namespace {

using client::BlockingConnection;
using client::ConnectError;

// One database and one server for the whole suite; built on first use inside a test, so
// that a failure to start fails the test (in SetUpTestSuite googletest would only skip).
struct Environment {
    TestDatabase database;
    std::unique_ptr<Kamerd> server;
    Environment() {
        database.register_demo_partners();
        database.register_organisation("00000004000000017000", "Geschorste Instelling", protocol::Sector::ggz,
                                       protocol::OrganisationStatus::suspended);
        for (auto oin : {"00000004000000011000", "00000004000000012000", "00000004000000013000",
                         "00000004000000014000", "00000004000000015000"})
            database.register_organisation(oin, "Test Organisatie", protocol::Sector::gi);
        server = std::make_unique<Kamerd>(database);
    }
};

class Handshake : public ::testing::Test {
protected:
    void SetUp() override {
        static Environment environment;
        server = environment.server.get();
    }

    // Connecting with `options` fails; returns the error. Then a good partner still gets in.
    ConnectError refused(client::ConnectOptions options) {
        try {
            BlockingConnection c(options);
        } catch (const ConnectError& e) {
            EXPECT_NO_THROW(BlockingConnection(client_options("gemeente", server->port())))
                << "server did not serve the next client";
            return e;
        }
        ADD_FAILURE() << "connection was accepted";
        return ConnectError("none", "accepted");
    }

    Kamerd* server = nullptr;
};

TEST_F(Handshake, WelcomeNamesTheAuthenticatedOrganisation) {
    BlockingConnection c(client_options("gemeente", server->port()));
    EXPECT_EQ(c.welcome().organisation.oin, partner("gemeente").oin);
    EXPECT_EQ(c.welcome().organisation.name, "Gemeente Rijswijk");
    EXPECT_EQ(c.welcome().organisation.sector, protocol::Sector::gemeente);
    EXPECT_EQ(c.welcome().limits.max_message_bytes, 1024 * 1024);
    BlockingConnection p(client_options("politie", server->port()));
    EXPECT_EQ(p.welcome().organisation.sector, protocol::Sector::politie);
    EXPECT_NE(p.welcome().session, c.welcome().session);
}

// The server keeps sessions (stateful tickets): a reconnect resumes without a full handshake
// and is still the organisation of the certificate the session was made with.
TEST_F(Handshake, ResumedSessionIsTheSameOrganisation) {
    auto options = client_options("politie", server->port());
    options.session_reuse = std::make_shared<client::SessionReuse>();
    { BlockingConnection first(options); }
    BlockingConnection second(options);
    EXPECT_EQ(options.session_reuse->full(), 1u);
    EXPECT_EQ(options.session_reuse->resumed(), 1u);
    EXPECT_EQ(second.welcome().organisation.oin, partner("politie").oin);
    // TLS 1.3 sessions are used once; the resumed connection got a fresh one.
    BlockingConnection third(options);
    EXPECT_EQ(options.session_reuse->resumed(), 2u);
}

TEST_F(Handshake, NoCertificateIsRefusedWithCertificateRequired) {
    auto r = tls_probe(server->port());
    EXPECT_FALSE(r.upgraded);
    EXPECT_NE(r.error.find("certificate required"), std::string::npos) << r.error;
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"no_certificate\""}));
    auto tls12 = tls_probe(server->port(), {}, {}, 1, TLS1_2_VERSION);
    EXPECT_FALSE(tls12.upgraded);
    EXPECT_NE(tls12.error.find("handshake failure"), std::string::npos) << tls12.error;
    EXPECT_NO_THROW(BlockingConnection(client_options("gemeente", server->port())));
}

TEST_F(Handshake, ProbeWithAGoodCertificateUpgrades) {
    auto r = tls_probe(server->port(), pki_dir() + "/orgs/gemeente.pem", pki_dir() + "/orgs/gemeente.key");
    EXPECT_TRUE(r.upgraded) << r.error;
    EXPECT_EQ(r.protocol, "TLSv1.3");
}

TEST_F(Handshake, CertificateRequestNamesTheTrustedCas) {
    auto r = tls_probe(server->port(), pki_dir() + "/orgs/gemeente.pem", pki_dir() + "/orgs/gemeente.key");
    ASSERT_TRUE(r.upgraded) << r.error;
    EXPECT_EQ(std::set<std::string>(r.named_cas.begin(), r.named_cas.end()),
              (std::set<std::string>{"CN=Kamer Development Root CA,O=Kamer Development,C=NL",
                                     "CN=Kamer Development Issuing CA,O=Kamer Development,C=NL"}));
}

// The client library leaves out of the chain it sends the CAs the server names as trusted
// (kamerd names its trust store, see above), and sends the whole chain to a server that does
// not name its issuing CA.
TEST(ClientChain, LeavesOutTheIssuingCaTheServerNames) {
    TlsRecorder server(pki_dir() + "/ca-bundle.pem");
    EXPECT_THROW(BlockingConnection(client_options("gemeente", server.port())), ConnectError);
    EXPECT_EQ(server.certificates_received(), 1);
}

TEST(ClientChain, SendsTheWholeChainToAServerThatNamesOnlyItsRoot) {
    TlsRecorder server(pki_dir() + "/root-ca/cert.pem");
    EXPECT_THROW(BlockingConnection(client_options("gemeente", server.port())), ConnectError);
    EXPECT_EQ(server.certificates_received(), 2);
}

TEST_F(Handshake, ForeignCaIsRefusedWithUnknownCa) {
    auto o = client_options("gemeente", server->port());
    o.certificate_file = pki_dir() + "/foreign/org.pem";
    o.private_key_file = pki_dir() + "/foreign/org.key";
    auto e = refused(o);
    EXPECT_NE(std::string(e.what()).find("unknown ca"), std::string::npos) << "MSG:" << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"unknown_ca\""}));
}

TEST_F(Handshake, ExpiredIsRefusedWithCertificateExpired) {
    auto e = refused(client_options("expired", server->port()));
    EXPECT_NE(std::string(e.what()).find("certificate expired"), std::string::npos) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"expired\""}));
}

TEST_F(Handshake, NotYetValidIsRefused) {
    auto e = refused(client_options("not-yet-valid", server->port()));
    EXPECT_NE(std::string(e.what()).find("bad certificate"), std::string::npos) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"not_yet_valid\""}));
}

TEST_F(Handshake, RevokedIsRefusedWithCertificateRevoked) {
    auto e = refused(client_options("revoked", server->port()));
    EXPECT_NE(std::string(e.what()).find("certificate revoked"), std::string::npos) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"revoked\""}));
}

TEST_F(Handshake, CertificateWithoutClientAuthIsRefusedWithUnsupportedCertificate) {
    auto e = refused(client_options("no-client-auth", server->port()));
    EXPECT_NE(std::string(e.what()).find("unsupported certificate"), std::string::npos) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"no_client_auth\""}));
}

TEST_F(Handshake, UnknownOinIsRefusedAfterTheHandshakeWithCloseCode4001) {
    auto e = refused(client_options("unknown-oin", server->port()));
    EXPECT_EQ(e.close_code(), static_cast<int>(protocol::CloseCode::organisation_unknown)) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"organisation_unknown\""}));
}

TEST_F(Handshake, SuspendedOinIsRefusedAfterTheHandshakeWithCloseCode4002) {
    auto e = refused(client_options("suspended", server->port()));
    EXPECT_EQ(e.close_code(), static_cast<int>(protocol::CloseCode::organisation_suspended)) << e.what();
    EXPECT_TRUE(server->wait_for_log({"connection.refused", "\"reason\":\"organisation_suspended\""}));
}

TEST_F(Handshake, ClientRefusesAServerWhoseNameDoesNotMatch) {
    auto o = client_options("gemeente", server->port());
    o.server_name = "kamer.example.org";
    auto e = refused(o);
    EXPECT_EQ(e.stage(), "tls");
    EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos) << e.what();
}

TEST_F(Handshake, PingIsAnsweredWithPong) {
    BlockingConnection c(client_options("ggz", server->port()));
    auto pong = c.call(protocol::Ping{});
    EXPECT_FALSE(pong.time.empty());
}

TEST_F(Handshake, UnknownTypeAndBadInputGetErrorsAndTheSessionStays) {
    BlockingConnection c(client_options("ggz", server->port()));
    try {
        c.call_raw("no.such.thing", boost::json::object{});
        ADD_FAILURE() << "unknown type accepted";
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), protocol::ErrorCode::unknown_type);
    }
    c.send_raw(R"({"type":"ping","id":"x1","body":{"surprise":1}})");
    auto reply = c.receive(std::chrono::seconds(5));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->type, "error");
    EXPECT_EQ(reply->re, "x1");
    EXPECT_EQ(std::string_view(reply->body.at("code").as_string()), "unknown_field");
    c.send_raw("{not json");
    reply = c.receive(std::chrono::seconds(5));
    ASSERT_TRUE(reply);
    EXPECT_EQ(std::string_view(reply->body.at("code").as_string()), "malformed_json");
    EXPECT_NO_THROW(c.call(protocol::Ping{}));
}

TEST_F(Handshake, HelloTwiceIsRefused) {
    BlockingConnection c(client_options("ggz", server->port()));
    protocol::Hello hello;
    hello.client = "again";
    try {
        c.call(hello);
        ADD_FAILURE();
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), protocol::ErrorCode::already_greeted);
    }
}

}  // namespace
}  // namespace kamer::test
