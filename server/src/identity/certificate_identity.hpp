#pragma once
// Who a verified partner certificate belongs to. The organisation is identified only by the
// OIN in the subject serialNumber (PKIoverheid and Digikoppeling convention).
#include <openssl/x509.h>

#include <optional>
#include <string>

namespace kamer::server::identity {

struct CertificateIdentity {
    std::string oin;
    std::string serial;       // hex, for revocation checks of live sessions
    std::string fingerprint;  // SHA-256 of the DER, hex, for logs
};

// The OIN when the subject has exactly one serialNumber of exactly 20 digits.
std::optional<std::string> oin_of(X509* certificate);

std::optional<CertificateIdentity> identity_of(X509* certificate);

}  // namespace kamer::server::identity
