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

// The recipient's role at the table as the log names it ("chair", "participant+regisseur").
std::string role_of(const policy::PolicyRoom& room, int org);

audit::Record record_of(const rooms::StoredEntry& entry, const Recipient& to, const policy::PolicyRoom& room,
                        const policy::Decision& decision);

std::vector<Disclosed> disclose(const policy::Agreement& agreement, const policy::PolicyRoom& room,
                                std::span<const rooms::StoredEntry> entries, const Recipient& to, audit::Batch& log);

// The view of an entry as sent: its body, or its signal body.
const std::string& body_of(const Disclosed& d);

// {"type":"events","body":{"room":...,"events":[{"cursor":...,"entry":...},...]}}, built by
// splicing the stored entry texts (no re-encoding).
std::string encode_events(const std::string& room_public, const CursorCodec& cursors, std::int64_t room,
                          std::span<const Disclosed> events);

// The same event list as a JSON array, for replies that carry events (history, export).
std::string events_array(const CursorCodec& cursors, std::int64_t room, std::span<const Disclosed> events);

}  // namespace kamer::server::delivery
