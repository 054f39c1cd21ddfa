#include "kamer/client/session_reuse.hpp"

#include <openssl/ssl.h>

namespace kamer::client {
namespace {

// Which SessionReuse a connection reports its new sessions to.
int owner_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

SessionReuse::~SessionReuse() {
    if (session_) SSL_SESSION_free(session_);
}

void SessionReuse::enable(SSL_CTX* context) {
    // TLS 1.3 tickets arrive after the handshake; the callback is the one place that sees them.
    // No internal store: this object keeps the session, not the per-connection context.
    SSL_CTX_set_session_cache_mode(context,
                                   SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(context, &SessionReuse::keep);
}

void SessionReuse::offer(SSL* ssl) {
    SSL_set_ex_data(ssl, owner_index(), this);
    std::lock_guard lock(mutex_);
    if (session_) SSL_set_session(ssl, session_);
}

void SessionReuse::handshake_done(SSL* ssl) {
    (SSL_session_reused(ssl) ? resumed_ : full_)++;
}

int SessionReuse::keep(SSL* ssl, SSL_SESSION* session) {
    auto* self = static_cast<SessionReuse*>(SSL_get_ex_data(ssl, owner_index()));
    if (!self) return 0;
    std::lock_guard lock(self->mutex_);
    if (self->session_) SSL_SESSION_free(self->session_);
    self->session_ = session;
    return 1;  // we own the reference now
}

}  // namespace kamer::client
