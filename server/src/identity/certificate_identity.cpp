#include "identity/certificate_identity.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>

#include <algorithm>

namespace kamer::server::identity {

std::optional<std::string> oin_of(X509* certificate) {
    X509_NAME* subject = certificate ? X509_get_subject_name(certificate) : nullptr;
    if (!subject) return std::nullopt;
    int index = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
    if (index < 0 || X509_NAME_get_index_by_NID(subject, NID_serialNumber, index) >= 0) return std::nullopt;
    ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    if (!value || ASN1_STRING_length(value) != 20) return std::nullopt;
    const unsigned char* data = ASN1_STRING_get0_data(value);
    std::string oin(reinterpret_cast<const char*>(data), 20);
    if (!std::all_of(oin.begin(), oin.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    return oin;
}

std::optional<CertificateIdentity> identity_of(X509* certificate) {
    auto oin = oin_of(certificate);
    if (!oin) return std::nullopt;
    CertificateIdentity id;
    id.oin = std::move(*oin);

    if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), nullptr)) {
        if (char* hex = BN_bn2hex(bn)) {
            id.serial = hex;
            OPENSSL_free(hex);
        }
        BN_free(bn);
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
        static constexpr char hex[] = "0123456789abcdef";
        for (unsigned i = 0; i < length; ++i) {
            id.fingerprint += hex[digest[i] >> 4];
            id.fingerprint += hex[digest[i] & 0xf];
        }
    }
    return id;
}

}  // namespace kamer::server::identity
