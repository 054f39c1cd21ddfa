#pragma once
// Emission: the step every path that sends case information takes. For one recipient it asks
// the need-to-know policy about each entry, records every decision (disclosed or withheld)
// for the disclosure log, and returns only what may be sent, in the view it may be sent in.
// The caller submits the log batch and sends only once it is committed.
#include <span>
#include <string>
#include <vector>

#include "audit/disclosure_log.hpp"
#include "delivery/cursor.hpp"
#include "policy/need_to_know.hpp"
#include "rooms/entry.hpp"

namespace kamer::server::delivery {

struct Recipient {
    int org = 0;
    std::string oin;
    std::string actor;
    std::string actor_for;
};

struct Disclosed {
    const rooms::StoredEntry* entry;
    policy::View view;  // full or signal
};

// What a reply can show. Events show an entry in full or as its signal; listings, search and
// reports show full items only (a signal there would say that something hidden exists or
// matched), so for them an entry the recipient may see only as a signal is withheld, and
// logged as withheld: the log records what was sent, not what could have been.
enum class Shows { full_or_signal, full_only };

std::vector<Disclosed> disclose(const policy::Agreement& agreement, const policy::PolicyRoom& room,
                                std::span<const rooms::StoredEntry> entries, const Recipient& to, audit::Batch& log,
                                Shows shows = Shows::full_or_signal);

// The view of an entry as sent: its body, or its signal body.
const std::string& body_of(const Disclosed& d);

// {"type":"events","body":{"room":...,"events":[{"cursor":...,"entry":...},...]}}, built by
// splicing the stored entry texts (no re-encoding).
std::string encode_events(const std::string& room_public, const CursorCodec& cursors, std::int64_t room,
                          std::span<const Disclosed> events);

// The same event list as a JSON array, for replies that carry events (history, export).
std::string events_array(const CursorCodec& cursors, std::int64_t room, std::span<const Disclosed> events);

}  // namespace kamer::server::delivery
