#include "net/crl_signatures.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unordered_map>

namespace kamer::server::net {
namespace {

// A CRL of the store and the key that verified its signature when it was loaded (owned).
using Verified = std::unordered_map<const X509_CRL*, EVP_PKEY*>;

void free_verified(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) {
    auto* verified = static_cast<Verified*>(ptr);
    if (!verified) return;
    for (auto& [crl, key] : *verified) EVP_PKEY_free(key);
    delete verified;
}

int verified_index() {
    static int index = X509_STORE_get_ex_new_index(0, nullptr, nullptr, nullptr, free_verified);
    return index;
}

// OpenSSL's own check_crl: what a store context uses when its store sets none.
X509_STORE_CTX_check_crl_fn openssl_check_crl() {
    static X509_STORE_CTX_check_crl_fn check = [] {
        X509_STORE* store = X509_STORE_new();
        X509_STORE_CTX* ctx = X509_STORE_CTX_new();
        X509_STORE_CTX_check_crl_fn fn = nullptr;
        if (store && ctx && X509_STORE_CTX_init(ctx, store, nullptr, nullptr) == 1)
            fn = X509_STORE_CTX_get_check_crl(ctx);
        X509_STORE_CTX_free(ctx);
        X509_STORE_free(store);
        return fn;
    }();
    return check;
}

// The certificate that issued the certificate being checked: the next one up the chain, or the
// top one itself when it is self-issued. Null when OpenSSL found the CRL's issuer elsewhere.
X509* chain_issuer(X509_STORE_CTX* ctx) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    int depth = X509_STORE_CTX_get_error_depth(ctx);
    int last = sk_X509_num(chain) - 1;
    X509* issuer = nullptr;
    if (depth < last) {
        issuer = sk_X509_value(chain, depth + 1);
    } else {
        X509* top = sk_X509_value(chain, last);
        if (top && X509_check_issued(top, top) == X509_V_OK) issuer = top;
    }
    X509* found = X509_STORE_CTX_get0_current_issuer(ctx);
    return found && found != issuer ? nullptr : issuer;
}

// A full CRL whose scope is everything its issuer issued.
bool plain_crl(X509_CRL* crl) {
    return X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1) < 0 &&
           X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) < 0;
}

// Reports an error as OpenSSL's check does: through the verify callback, which decides.
int report(X509_STORE_CTX* ctx, int error) {
    X509_STORE_CTX_set_error(ctx, error);
    return X509_STORE_CTX_get_verify_cb(ctx)(0, ctx);
}

// The key that verified `crl` at load when that is the key of the certificate that issued the
// one being checked (the chain was built by name, so the CRL's issuer names it too), and the
// CRL and the check are plain; null otherwise.
EVP_PKEY* key_verified_at_load(X509_STORE_CTX* ctx, X509_CRL* crl, X509* issuer) {
    const auto* verified =
        static_cast<const Verified*>(X509_STORE_get_ex_data(X509_STORE_CTX_get0_store(ctx), verified_index()));
    X509* subject = X509_STORE_CTX_get_current_cert(ctx);
    if (!verified || !subject || !issuer || !plain_crl(crl)) return nullptr;
    if (X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) &
        (X509_V_FLAG_USE_CHECK_TIME | X509_V_FLAG_NO_CHECK_TIME))
        return nullptr;
    auto it = verified->find(crl);
    if (it == verified->end() || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(subject)) != 0 ||
        EVP_PKEY_eq(X509_get0_pubkey(issuer), it->second) != 1)
        return nullptr;
    return it->second;
}

// OpenSSL's check_crl less the signature verification, for the CRLs verified at load.
int check_crl(X509_STORE_CTX* ctx, X509_CRL* crl) {
    X509* issuer = chain_issuer(ctx);
    EVP_PKEY* key = key_verified_at_load(ctx, crl, issuer);
    if (!key) return openssl_check_crl()(ctx, crl);

    if (!(X509_get_key_usage(issuer) & KU_CRL_SIGN) && !report(ctx, X509_V_ERR_KEYUSAGE_NO_CRL_SIGN)) return 0;
    unsigned long flags = X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx));
    if (int suiteb = X509_CRL_check_suiteb(crl, key, flags); suiteb != X509_V_OK && !report(ctx, suiteb)) return 0;
    int since = X509_cmp_current_time(X509_CRL_get0_lastUpdate(crl));
    if (since == 0 && !report(ctx, X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD)) return 0;
    if (since > 0 && !report(ctx, X509_V_ERR_CRL_NOT_YET_VALID)) return 0;
    if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl)) {
        int until = X509_cmp_current_time(next);
        if (until == 0 && !report(ctx, X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD)) return 0;
        if (until < 0 && !report(ctx, X509_V_ERR_CRL_HAS_EXPIRED)) return 0;
    }
    return 1;
}

}  // namespace

void verify_crls_at_load(X509_STORE* store) {
    if (!openssl_check_crl()) return;  // OpenSSL's check stays in place
    auto* verified = new Verified();
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
        X509_CRL* crl = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objects, i));
        if (!crl) continue;
        for (int j = 0; j < sk_X509_OBJECT_num(objects); ++j) {
            X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, j));
            if (!cert || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(cert)) != 0) continue;
            EVP_PKEY* key = X509_get0_pubkey(cert);
            if (key && X509_CRL_verify(crl, key) == 1 && EVP_PKEY_up_ref(key) == 1) {
                (*verified)[crl] = key;
                break;
            }
        }
    }
    ERR_clear_error();  // a CRL that verifies with none of them is left to OpenSSL's check
    if (X509_STORE_set_ex_data(store, verified_index(), verified) != 1) {
        free_verified(nullptr, verified, nullptr, 0, 0, nullptr);
        return;
    }
    X509_STORE_set_check_crl(store, check_crl);
}

}  // namespace kamer::server::net
