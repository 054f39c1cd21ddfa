#pragma once
// The server's TLS configuration: TLS 1.3 and 1.2 with ECDHE and AEAD suites only, a client
// certificate always required and verified against the trust store with CRL checks for every
// certificate in the chain. A fresh context is built on start and on reload (SIGHUP); sessions
// keep the context they were accepted with.
#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "app/config.hpp"

namespace kamer::server::net {

using TlsContext = std::shared_ptr<SSL_CTX>;

// Builds a context from the configured files. Throws std::runtime_error naming the file and
// the OpenSSL reason when material is missing or unusable.
TlsContext make_server_context(const Config::Tls& tls);

// Why a handshake was refused, as a stable name for logs and metrics (e.g. "revoked",
// "unknown_ca", "no_certificate", "no_client_auth"). `ssl` is the failed connection.
std::string_view refusal_reason(SSL* ssl);

// Whether the session's client certificate is still valid now and not revoked by the CRLs of
// `context`: for a resumed session (no verification ran) and, after a reload, for every open
// session. Returns the refusal reason, or an empty view when it is still good.
std::string_view recheck_certificate(SSL* ssl, SSL_CTX* context);

}  // namespace kamer::server::net
