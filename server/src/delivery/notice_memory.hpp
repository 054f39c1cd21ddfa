#pragma once
// The entries whose notices the hub has already considered, so that an entry looked up again
// after the listener was cut off (Hub::recover_notices) does not send its notice twice.
// Remembers the last `capacity` entries; used on the delivery thread only.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <unordered_set>

namespace kamer::server::delivery {

class NoticeMemory {
public:
    explicit NoticeMemory(std::size_t capacity) : capacity_(capacity) {}

    // False when the entry at `seq` of `room` was remembered already.
    bool remember(std::int64_t room, std::int64_t seq);

private:
    struct Key {
        std::int64_t room, seq;
        bool operator==(const Key&) const = default;
    };
    struct Hash {
        std::size_t operator()(const Key& k) const {
            return std::hash<std::int64_t>{}(k.room) * 31 + std::hash<std::int64_t>{}(k.seq);
        }
    };
    std::size_t capacity_;
    std::deque<Key> order_;  // oldest first
    std::unordered_set<Key, Hash> known_;
};

}  // namespace kamer::server::delivery
