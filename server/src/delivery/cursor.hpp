#pragma once
// Positions in a room's log as clients see them: opaque cursors. A cursor is the room id and
// the sequence number encrypted as one AES block under a key every node shares, so that a
// member cannot tell how many entries lie between two of its cursors (and hence that entries
// hidden from it exist), nor forge a position in another room.
#include <openssl/types.h>

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace kamer::server::delivery {

// Thread-safe: the writer, the hub and every session use one codec.
class CursorCodec {
public:
    explicit CursorCodec(const std::array<unsigned char, 16>& key);
    CursorCodec(const CursorCodec&) = delete;
    CursorCodec& operator=(const CursorCodec&) = delete;

    std::string encode(std::int64_t room, std::int64_t seq) const;
    // The sequence number, when the text is a cursor of this room.
    std::optional<std::int64_t> decode(std::int64_t room, std::string_view cursor) const;

private:
    struct FreeContext {
        void operator()(EVP_CIPHER_CTX* ctx) const;
    };
    using Context = std::unique_ptr<EVP_CIPHER_CTX, FreeContext>;

    std::array<unsigned char, 16> crypt(const unsigned char* in, bool encrypt) const;

    // Keyed once and reused: setting a context up for every cursor (OpenSSL 3 looks the cipher
    // up in its providers each time) cost 0.6-0.8 µs against 25 ns for the block itself, and a
    // resume page encodes a cursor per event.
    Context encrypt_, decrypt_;
    mutable std::mutex mutex_;
};

}  // namespace kamer::server::delivery
