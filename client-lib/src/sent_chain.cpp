#include "sent_chain.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace kamer::client {
namespace {

bool named(const STACK_OF(X509_NAME)* names, X509* cert) {
    for (int i = 0; i < sk_X509_NAME_num(names); ++i)
        if (X509_NAME_cmp(sk_X509_NAME_value(names, i), X509_get_subject_name(cert)) == 0) return true;
    return false;
}

// Runs when the server's certificate request has arrived, before our certificate goes out. The
// chain it changes is this connection's copy; the context keeps the whole chain.
int drop_named_certificates(SSL* ssl, void*) {
    const STACK_OF(X509_NAME)* held = SSL_get0_peer_CA_list(ssl);
    STACK_OF(X509)* chain = nullptr;
    if (!held || !SSL_get0_chain_certs(ssl, &chain) || !chain) return 1;
    STACK_OF(X509)* kept = sk_X509_new_null();
    if (!kept) return 0;
    for (int i = 0; i < sk_X509_num(chain); ++i) {
        X509* cert = sk_X509_value(chain, i);
        if (!named(held, cert) && !sk_X509_push(kept, cert)) {
            sk_X509_free(kept);
            return 0;
        }
    }
    // An empty chain, once set, also keeps OpenSSL from building one from our trust store.
    int ok = sk_X509_num(kept) == sk_X509_num(chain) || SSL_set1_chain(ssl, kept);
    sk_X509_free(kept);
    return ok;
}

}  // namespace

void send_only_certificates_the_server_lacks(SSL_CTX* context) {
    SSL_CTX_set_cert_cb(context, drop_named_certificates, nullptr);
}

}  // namespace kamer::client
