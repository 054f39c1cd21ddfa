// Certificates the handshake tests do not cover: a CA certificate as client certificate, a
// chain longer than allowed, weak keys and signatures (which the probe must lower its own
// security level to even offer), and CRLs that are missing or out of date. Each refusal ends
// in the TLS handshake with an alert, is logged with its reason, stores nothing and leaves
// the server serving the next client. Revocation fails closed: without a current CRL for the
// issuing CA nobody it issued gets in.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "harness.hpp"
#include "stored_rows.hpp"
#include "tls_probe.hpp"

#include "kamer/client/blocking_connection.hpp"

namespace kamer::test {
namespace {

using client::BlockingConnection;

struct Environment {
    TestDatabase database;
    std::unique_ptr<Kamerd> server;
    Environment() {
        database.register_demo_partners();
        // Registered, so that only the TLS layer can refuse them.
        for (auto oin : {"00000004000000018000", "00000004000000019000", "00000004000000020000",
                         "00000004000000021000"})
            database.register_organisation(oin, "Test Organisatie", protocol::Sector::gi);
        server = std::make_unique<Kamerd>(database);
    }
};

Environment& environment() {
    static Environment e;
    return e;
}

std::string org(const std::string& name, const char* ext) { return pki_dir() + "/orgs/" + name + ext; }

// The probe offers `name`'s certificate at security level 0 (a client at level 2 would not
// even load a 1024-bit key or a SHA-1 certificate) and must be refused in the TLS handshake.
ProbeResult refused_in_handshake(Kamerd& server, const std::string& name, const std::string& reason) {
    auto before = stored_rows(environment().database);
    auto r = tls_probe(server.port(), org(name, ".pem"), org(name, ".key"), 0);
    EXPECT_FALSE(r.upgraded) << name << " was accepted";
    EXPECT_NE(r.error.find("alert"), std::string::npos) << "no TLS alert: " << r.error;
    EXPECT_TRUE(server.wait_for_log({"connection.refused", "\"stage\":\"tls\"", "\"reason\":\"" + reason + "\""}))
        << "no refusal with reason " << reason;
    EXPECT_NO_THROW(BlockingConnection(client_options("gemeente", server.port())).call(protocol::Ping{}))
        << "the server did not serve the next client";
    EXPECT_EQ(stored_rows(environment().database), before);
    return r;
}

TEST(TlsHostile, CaCertificateAsClientCertificateIsRefused) {
    auto r = refused_in_handshake(*environment().server, "ca-as-client", "ca_certificate");
    EXPECT_NE(r.error.find("unsupported certificate"), std::string::npos) << r.error;
}

TEST(TlsHostile, ChainLongerThanAllowedIsRefused) {
    // long-chain is issued by a sub-CA below the issuing CA, whose pathlen:0 forbids it.
    auto r = refused_in_handshake(*environment().server, "long-chain", "chain_too_long");
    EXPECT_NE(r.error.find("unknown ca"), std::string::npos) << r.error;
}

TEST(TlsHostile, Rsa1024IsRefusedAndRsa2048Accepted) {
    auto r = refused_in_handshake(*environment().server, "rsa1024", "key_too_small");
    EXPECT_NE(r.error.find("bad certificate"), std::string::npos) << r.error;
    auto good = tls_probe(environment().server->port(), org("rsa2048", ".pem"), org("rsa2048", ".key"), 0);
    EXPECT_TRUE(good.upgraded) << good.error;
}

TEST(TlsHostile, Sha1SignatureIsRefused) {
    auto r = refused_in_handshake(*environment().server, "sha1", "weak_signature");
    EXPECT_NE(r.error.find("bad certificate"), std::string::npos) << r.error;
}

// --- CRLs -----------------------------------------------------------------------------------

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CrlPtr = std::unique_ptr<X509_CRL, decltype(&X509_CRL_free)>;

std::vector<CrlPtr> read_crls(const std::string& path) {
    std::vector<CrlPtr> out;
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) return out;
    while (X509_CRL* crl = PEM_read_X509_CRL(f, nullptr, nullptr, nullptr)) out.emplace_back(crl, X509_CRL_free);
    std::fclose(f);
    return out;
}

// A file this test writes and removes again.
struct TempFile {
    std::string path;
    explicit TempFile(std::string p) : path(std::move(p)) {}
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    ~TempFile() { std::remove(path.c_str()); }
};

// A file with the test PKI's CRLs except the issuing CA's, plus (when `issuing_crl_days` is
// set) an issuing-CA CRL whose nextUpdate is that many days from now (negative: expired),
// signed by the issuing CA or, when `forged`, by a key of its own.
std::unique_ptr<TempFile> crl_file(const std::string& name, std::optional<int> issuing_crl_days, bool forged = false) {
    FILE* cf = std::fopen((pki_dir() + "/issuing-ca/cert.pem").c_str(), "r");
    X509Ptr issuer(PEM_read_X509(cf, nullptr, nullptr, nullptr), X509_free);
    std::fclose(cf);
    FILE* kf = std::fopen((pki_dir() + "/issuing-ca/key.pem").c_str(), "r");
    KeyPtr key(PEM_read_PrivateKey(kf, nullptr, nullptr, nullptr), EVP_PKEY_free);
    std::fclose(kf);
    if (forged) key.reset(EVP_EC_gen("P-256"));
    if (!issuer || !key) throw std::runtime_error("cannot read the issuing CA of the test PKI");

    auto file = std::make_unique<TempFile>(::testing::TempDir() + "/" + name + "-" + std::to_string(getpid()) + ".pem");
    FILE* out = std::fopen(file->path.c_str(), "w");
    for (auto& crl : read_crls(pki_dir() + "/crl.pem"))
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer.get())) != 0)
            PEM_write_X509_CRL(out, crl.get());
    if (issuing_crl_days) {
        CrlPtr crl(X509_CRL_new(), X509_CRL_free);
        X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2);
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.get()));
        std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> last(X509_time_adj_ex(nullptr, std::min(0, *issuing_crl_days) - 1, 0, nullptr),
                                                                    ASN1_TIME_free),
            next(X509_time_adj_ex(nullptr, *issuing_crl_days, 0, nullptr), ASN1_TIME_free);
        X509_CRL_set1_lastUpdate(crl.get(), last.get());
        X509_CRL_set1_nextUpdate(crl.get(), next.get());
        X509_CRL_sign(crl.get(), key.get(), EVP_sha256());
        PEM_write_X509_CRL(out, crl.get());
    }
    std::fclose(out);
    return file;
}

// With this CRL file the server runs, but refuses every partner certificate of the issuing
// CA with `reason`: fail closed, until a current CRL is loaded (SIGHUP).
void refuses_everyone(const std::unique_ptr<TempFile>& crl, const std::string& reason, const std::string& alert) {
    Kamerd server(environment().database, {{"tls.crl", crl->path}});
    for (auto name : {"gemeente", "politie"}) {
        auto r = tls_probe(server.port(), org(name, ".pem"), org(name, ".key"));
        EXPECT_FALSE(r.upgraded) << name << " got in";
        EXPECT_NE(r.error.find(alert), std::string::npos) << r.error;
    }
    EXPECT_TRUE(server.wait_for_log({"connection.refused", "\"reason\":\"" + reason + "\""})) << server.log();
    EXPECT_TRUE(server.running());
    EXPECT_EQ(stored_rows(environment().database), 0);
}

TEST(TlsHostile, WithoutTheIssuingCasCrlEveryHandshakeIsRefused) {
    refuses_everyone(crl_file("no-issuing-crl", std::nullopt), "crl_missing", "unknown ca");
}

TEST(TlsHostile, WithAnExpiredCrlEveryHandshakeIsRefused) {
    refuses_everyone(crl_file("expired-crl", -1), "crl_expired", "certificate expired");
}

// kamerd verifies the CRLs' signatures when it loads them, not on every handshake; one that
// its issuer did not sign still refuses everyone of that issuer.
TEST(TlsHostile, WithACrlThatItsIssuerDidNotSignEveryHandshakeIsRefused) {
    refuses_everyone(crl_file("forged-crl", 7, true), "crl_bad_signature", "decrypt error");
}

TEST(TlsHostile, ACurrentReplacementCrlIsAccepted) {
    // The control for the two above: the same construction with a CRL valid for a week.
    auto crl = crl_file("fresh-crl", 7);
    Kamerd server(environment().database, {{"tls.crl", crl->path}});
    EXPECT_NO_THROW(BlockingConnection(client_options("gemeente", server.port())).call(protocol::Ping{}));
}

TEST(TlsHostile, ServerRefusesToStartWithoutACrl) {
    TempFile empty(::testing::TempDir() + "/empty-crl-" + std::to_string(getpid()) + ".pem");
    std::fclose(std::fopen(empty.path.c_str(), "w"));
    for (const auto& path : {empty.path, std::string("/nonexistent/crl.pem")})
        expect_start_refused(environment().database, {{"tls.crl", path}}, path);
}

}  // namespace
}  // namespace kamer::test
