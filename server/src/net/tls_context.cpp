#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include "identity/certificate_identity.hpp"
#include "net/crl_signatures.hpp"

namespace kamer::server::net {
namespace {

// TLS 1.2 suites: ECDHE key exchange and AEAD ciphers only (NCSC "good").
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* tls13_suites =
    "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* groups = "X25519:P-256:P-384";

// Reasons our own checks add to a refusal, kept on the SSL object for refusal_reason().
int reason_index() {
    static int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

std::string openssl_error() {
    unsigned long e = ERR_get_error();
    char buf[256] = "unknown error";
    if (e) ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

[[noreturn]] void fail(const std::string& what, const std::string& path) {
    throw std::runtime_error(what + " '" + path + "': " + openssl_error());
}

// Partner certificates must be end-entity certificates for client authentication that carry
// an OIN; OpenSSL's purpose check alone lets a certificate without any EKU through.
int verify_callback(int ok, X509_STORE_CTX* store) {
    if (X509_STORE_CTX_get_error_depth(store) != 0) return ok;
    X509* leaf = X509_STORE_CTX_get_current_cert(store);
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (!ok) {
        // OpenSSL's purpose check refuses a CA certificate before our checks below see it, as
        // a mere "invalid purpose": name it in the log.
        if (ssl && X509_STORE_CTX_get_error(store) == X509_V_ERR_INVALID_PURPOSE && X509_check_ca(leaf) != 0)
            SSL_set_ex_data(ssl, reason_index(), const_cast<char*>("ca_certificate"));
        return 0;
    }
    const char* reason = nullptr;
    if (X509_check_ca(leaf) != 0) {
        reason = "ca_certificate";
    } else if (!(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) ||
               !(X509_get_extended_key_usage(leaf) & XKU_SSL_CLIENT)) {
        reason = "no_client_auth";
    } else if (!identity::oin_of(leaf)) {
        reason = "no_oin";
    }
    if (!reason) return 1;
    if (ssl) SSL_set_ex_data(ssl, reason_index(), const_cast<char*>(reason));
    // Invalid purpose makes OpenSSL answer with the unsupported_certificate alert.
    X509_STORE_CTX_set_error(store, X509_V_ERR_INVALID_PURPOSE);
    return 0;
}

void load_crls(X509_STORE* store, const std::string& path) {
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (!bio) fail("cannot read CRL file", path);
    int count = 0;
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
        X509_STORE_add_crl(store, crl);
        X509_CRL_free(crl);
        ++count;
    }
    ERR_clear_error();  // the loop ends on "no start line"
    BIO_free(bio);
    if (count == 0) throw std::runtime_error("no CRL found in '" + path + "'");
}

}  // namespace

TlsContext make_server_context(const Config::Tls& tls) {
    TlsContext ctx(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
    if (!ctx) throw std::runtime_error("cannot create TLS context: " + openssl_error());
    SSL_CTX* c = ctx.get();

    SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION);
    // Level 2: at least 112-bit security (RSA >= 2048, no SHA-1 signatures).
    SSL_CTX_set_security_level(c, 2);
    if (!SSL_CTX_set_cipher_list(c, tls12_ciphers) || !SSL_CTX_set_ciphersuites(c, tls13_suites) ||
        !SSL_CTX_set1_groups_list(c, groups))
        throw std::runtime_error("cannot set TLS suites: " + openssl_error());
    SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_max_early_data(c, 0);
    // Idle connections should hold no TLS record buffers.
    SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One ticket per handshake for resumption, naming a session kept here (stateful): a
    // stateless ticket costs every full handshake an encode and a decode of the session with
    // its peer certificate, a tenth of the server's CPU per handshake. Sessions die with this
    // context (reload); in TLS 1.3 OpenSSL uses each at most once. While connected, a cached
    // session is the connection's own, so the cache adds memory only for closed ones.
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(c, 1);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(c, 20000);
    SSL_CTX_set_timeout(c, 3600);
    static const unsigned char session_context[] = "kamer.v1";
    SSL_CTX_set_session_id_context(c, session_context, sizeof session_context - 1);

    if (SSL_CTX_use_certificate_chain_file(c, tls.certificate.c_str()) != 1)
        fail("cannot load server certificate", tls.certificate);
    if (SSL_CTX_use_PrivateKey_file(c, tls.private_key.c_str(), SSL_FILETYPE_PEM) != 1)
        fail("cannot load server private key", tls.private_key);
    if (SSL_CTX_check_private_key(c) != 1)
        fail("server private key does not match certificate", tls.private_key);

    X509_STORE* store = X509_STORE_new();
    if (X509_STORE_load_file(store, tls.trust_store.c_str()) != 1) {
        X509_STORE_free(store);
        fail("cannot load trust store", tls.trust_store);
    }
    try {
        load_crls(store, tls.crl);
    } catch (...) {
        X509_STORE_free(store);
        throw;
    }
    // Fail closed: a certificate whose CRL is missing or out of date is refused.
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_X509_STRICT);
    X509_STORE_set_purpose(store, X509_PURPOSE_SSL_CLIENT);
    verify_crls_at_load(store);
    // Name the trusted CAs in the certificate request. A client that sees its issuing CA named
    // leaves it out of the chain it sends (ours does), so the server neither decodes it (with
    // OpenSSL 3.0 decoding a certificate costs more than verifying its signature) nor keeps
    // it for the life of the connection (about 5 KiB).
    STACK_OF(X509_OBJECT)* trusted = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(trusted); ++i)
        if (X509* ca = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(trusted, i)); ca && !SSL_CTX_add_client_CA(c, ca))
            fail("cannot name the trusted CAs of", tls.trust_store);
    SSL_CTX_set_cert_store(c, store);  // takes ownership

    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_callback);
    SSL_CTX_set_verify_depth(c, tls.verify_depth);
    return ctx;
}

std::string_view refusal_reason(SSL* ssl) {
    if (auto* ours = static_cast<const char*>(SSL_get_ex_data(ssl, reason_index()))) return ours;
    switch (SSL_get_verify_result(ssl)) {
        case X509_V_OK:
            // Verification did not fail: either no certificate was sent or the TLS layer failed.
            return SSL_get0_peer_certificate(ssl) ? "handshake_failed" : "no_certificate";
        case X509_V_ERR_CERT_HAS_EXPIRED: return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID: return "not_yet_valid";
        case X509_V_ERR_CERT_REVOKED: return "revoked";
        case X509_V_ERR_UNABLE_TO_GET_CRL: return "crl_missing";
        case X509_V_ERR_CRL_HAS_EXPIRED: return "crl_expired";
        case X509_V_ERR_CRL_NOT_YET_VALID: return "crl_not_yet_valid";
        case X509_V_ERR_CRL_SIGNATURE_FAILURE: return "crl_bad_signature";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "unknown_ca";
        case X509_V_ERR_INVALID_PURPOSE: return "no_client_auth";
        case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        case X509_V_ERR_PATH_LENGTH_EXCEEDED: return "chain_too_long";
        case X509_V_ERR_EE_KEY_TOO_SMALL:
        case X509_V_ERR_CA_KEY_TOO_SMALL: return "key_too_small";
        case X509_V_ERR_CA_MD_TOO_WEAK: return "weak_signature";
        case X509_V_ERR_INVALID_CA: return "invalid_ca";
        default: return "bad_certificate";
    }
}

std::string_view recheck_certificate(SSL* ssl, SSL_CTX* context) {
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf) return "no_certificate";
    if (X509_cmp_current_time(X509_get0_notAfter(leaf)) <= 0) return "expired";
    X509_STORE* store = SSL_CTX_get_cert_store(context);
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    X509_NAME* issuer = X509_get_issuer_name(leaf);
    bool found_crl = false;
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        X509_CRL* crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objects, i));
        if (!crl || X509_NAME_cmp(X509_CRL_get_issuer(crl), issuer) != 0) continue;
        found_crl = true;
        if (X509_cmp_current_time(X509_CRL_get0_nextUpdate(crl)) <= 0) return "crl_expired";
        X509_REVOKED* revoked = nullptr;
        if (X509_CRL_get0_by_cert(crl, &revoked, leaf) == 1) return "revoked";
    }
    return found_crl ? std::string_view() : "crl_missing";
}

}  // namespace kamer::server::net
