#pragma once
// Positions in a room's log as clients see them: opaque cursors. A cursor is the room id and
// the sequence number encrypted as one AES block under a key every node shares, so that a
// member cannot tell how many entries lie between two of its cursors (and hence that entries
// hidden from it exist), nor forge a position in another room.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kamer::server::delivery {

class CursorCodec {
public:
    explicit CursorCodec(const std::array<unsigned char, 16>& key);

    std::string encode(std::int64_t room, std::int64_t seq) const;
    // The sequence number, when the text is a cursor of this room.
    std::optional<std::int64_t> decode(std::int64_t room, std::string_view cursor) const;

private:
    std::array<unsigned char, 16> key_;
};

}  // namespace kamer::server::delivery
