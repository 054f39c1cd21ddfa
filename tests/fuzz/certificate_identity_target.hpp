#pragma once
// What the certificate_identity fuzzer checks for one input (DER bytes). Header-only so that the
// libFuzzer entry point and the regression unit test run exactly the same code.
//
// The identity code only ever sees certificates that passed TLS verification, but it must not
// rely on that for memory safety, and an OIN it returns is what every access decision keys on.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "finding.hpp"
#include "identity/certificate_identity.hpp"

namespace kamer::fuzz {

namespace identity_detail {

inline bool all_of_chars(std::string_view s, std::string_view allowed) {
    return std::all_of(s.begin(), s.end(), [&](char c) { return allowed.find(c) != allowed.npos; });
}

}  // namespace identity_detail

inline std::optional<Finding> certificate_identity_target(const std::uint8_t* data,
                                                          std::size_t size) {
    namespace id = kamer::server::identity;
    using identity_detail::all_of_chars;
    if (size > static_cast<std::size_t>(std::numeric_limits<long>::max())) return std::nullopt;
    const unsigned char* p = data;
    std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &p, static_cast<long>(size)),
                                                     &X509_free);
    // A failed parse leaves errors in the thread's queue; one run must not see the last one's.
    ERR_clear_error();
    if (!cert) return std::nullopt;

    auto oin = id::oin_of(cert.get());
    auto identity = id::identity_of(cert.get());
    ERR_clear_error();
    static constexpr std::string_view digits = "0123456789";
    if (oin && (oin->size() != 20 || !all_of_chars(*oin, digits)))
        return Finding{"oin-format", "oin_of returned '" + *oin + "'"};
    if (oin.has_value() != identity.has_value())
        return Finding{"identity-disagrees", "oin_of and identity_of disagree on having an OIN"};
    if (!identity) return std::nullopt;
    if (identity->oin != *oin) return Finding{"identity-disagrees", "identity_of has another OIN"};
    // Logs and revocation checks use these; empty means "could not compute", never garbage.
    if (!identity->fingerprint.empty() &&
        (identity->fingerprint.size() != 64 ||
         !all_of_chars(identity->fingerprint, "0123456789abcdef")))
        return Finding{"fingerprint-format", "fingerprint '" + identity->fingerprint + "'"};
    std::string_view serial = identity->serial;
    if (!serial.empty() && serial.front() == '-') serial.remove_prefix(1);
    if (!all_of_chars(serial, "0123456789ABCDEF"))
        return Finding{"serial-format", "serial '" + identity->serial + "'"};
    return std::nullopt;
}

}  // namespace kamer::fuzz
