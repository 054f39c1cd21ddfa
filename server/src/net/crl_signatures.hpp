#pragma once
// OpenSSL verifies the signature of every CRL it consults, on every handshake: with revocation
// checked for the whole chain that is three signature verifications per partner handshake,
// about an eighth of kamerd's CPU for it. The CRLs change only when kamerd loads them, so it
// verifies each one then and lets OpenSSL skip that verification for a CRL whose signature was
// checked against the key of the certificate that the chain names as its issuer. Every other
// case (a CRL that was not verified at load, a delta CRL, one with an issuing distribution
// point, an issuer with another key, time checks other than against the clock) goes to
// OpenSSL's own check, unchanged.
#include <openssl/x509_vfy.h>

namespace kamer::server::net {

// Records which of the store's CRLs are signed by which of its certificates and installs the
// check. Call once the store holds its certificates and CRLs, before it is used.
void verify_crls_at_load(X509_STORE* store);

}  // namespace kamer::server::net
