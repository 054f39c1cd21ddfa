#pragma once
// Which certificates a connection sends with its own: its chain, minus every certificate the
// server named among the CAs it trusts. RFC 8446 (4.4.2) lets a sender leave out what the peer
// is known to hold; the server then neither decodes such a certificate (with OpenSSL 3.0 that
// costs more than verifying its signature) nor keeps it for the life of the connection.
// A server that names no CAs gets the whole chain.
struct ssl_ctx_st;

namespace kamer::client {

void send_only_certificates_the_server_lacks(ssl_ctx_st* context);

}  // namespace kamer::client
