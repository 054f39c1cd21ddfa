#pragma once
// An entry of a room's log as the server keeps it: the policy metadata beside the encoded
// wire forms (full view, and signal view when the author attached a signal). Encoded once,
// when written; every delivery reuses the same text.
#include <cstdint>
#include <string>
#include <vector>

#include "policy/need_to_know.hpp"

namespace kamer::server::rooms {

struct StoredEntry {
    std::int64_t room = 0;  // internal room id
    std::int64_t seq = 0;   // position in the room's log, 1-based; never shown to clients
    std::string kind;
    int version = 0;  // item version; 0 for structural entries
    policy::EntryMeta meta;
    std::vector<std::string> persons;
    std::string at;           // RFC 3339
    std::string body;         // protocol::Entry, JSON
    std::string signal_body;  // protocol::Entry of kind "signal", JSON; empty: no signal
};

}  // namespace kamer::server::rooms
