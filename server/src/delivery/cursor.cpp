#include "delivery/cursor.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace kamer::server::delivery {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

void CursorCodec::FreeContext::operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }

// One AES-128 block (ECB on a single block is a pseudo-random permutation, which is all a
// cursor needs).
CursorCodec::CursorCodec(const std::array<unsigned char, 16>& key)
    : encrypt_(EVP_CIPHER_CTX_new()), decrypt_(EVP_CIPHER_CTX_new()) {
    std::unique_ptr<EVP_CIPHER, decltype(&EVP_CIPHER_free)> cipher(EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr),
                                                                   EVP_CIPHER_free);
    for (auto* ctx : {encrypt_.get(), decrypt_.get()})
        if (!cipher || !ctx ||
            EVP_CipherInit_ex2(ctx, cipher.get(), key.data(), nullptr, ctx == encrypt_.get() ? 1 : 0, nullptr) != 1 ||
            EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
            throw std::runtime_error("cursor cipher unavailable");
}

std::array<unsigned char, 16> CursorCodec::crypt(const unsigned char* in, bool encrypt) const {
    std::array<unsigned char, 16> out{};
    int n = 0;
    std::lock_guard lock(mutex_);
    if (EVP_CipherUpdate(encrypt ? encrypt_.get() : decrypt_.get(), out.data(), &n, in, 16) != 1 || n != 16)
        throw std::runtime_error("cursor cipher failed");
    return out;
}

std::string CursorCodec::encode(std::int64_t room, std::int64_t seq) const {
    unsigned char block[16];
    for (int i = 0; i < 8; ++i) {
        block[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(room) >> (56 - 8 * i));
        block[8 + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(seq) >> (56 - 8 * i));
    }
    auto c = crypt(block, true);
    // base64url without padding: 16 bytes -> 22 characters.
    std::string out;
    out.reserve(22);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : c) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            out += alphabet[(acc >> (bits - 6)) & 63];
            bits -= 6;
        }
    }
    if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
    return out;
}

std::optional<std::int64_t> CursorCodec::decode(std::int64_t room, std::string_view cursor) const {
    if (cursor.size() != 22) return std::nullopt;
    unsigned char c[16];
    std::uint32_t acc = 0;
    int bits = 0, n = 0;
    for (char ch : cursor) {
        const char* p = std::char_traits<char>::find(alphabet, 64, ch);
        if (!p) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(p - alphabet);
        bits += 6;
        if (bits >= 8) {
            if (n == 16) return std::nullopt;
            c[n++] = static_cast<unsigned char>(acc >> (bits - 8));
            bits -= 8;
        }
    }
    if (n != 16) return std::nullopt;
    auto block = crypt(c, false);
    std::uint64_t r = 0, s = 0;
    for (int i = 0; i < 8; ++i) {
        r = (r << 8) | block[i];
        s = (s << 8) | block[8 + i];
    }
    if (static_cast<std::int64_t>(r) != room || static_cast<std::int64_t>(s) < 0) return std::nullopt;
    return static_cast<std::int64_t>(s);
}

}  // namespace kamer::server::delivery
