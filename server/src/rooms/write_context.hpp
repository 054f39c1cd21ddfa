#pragma once
// What a command sees while the writer runs it inside a batch transaction: the rooms it
// touches (loaded, locked, current), the caller, the clock, and append().
//
// The rule for commands: validate everything first, then append. A command that returns an
// error must not have appended anything, because appended entries are already folded into
// the cached room.
#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "delivery/cursor.hpp"
#include "identity/partner_registry.hpp"
#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/error.hpp"
#include "kamer/protocol/messages/common.hpp"
#include "policy/agreement.hpp"
#include "rooms/room.hpp"

namespace kamer::server::rooms {

struct Caller {
    identity::Organisation organisation;
    std::optional<protocol::Actor> actor;
};

// A successful command's reply (type and body), or an error.
struct Outcome {
    std::optional<protocol::Error> error;
    std::string reply_type;
    boost::json::value reply;

    template <class Reply>
    static Outcome ok(const Reply& r) {
        return {std::nullopt, std::string(Reply::type), protocol::encode_value(r)};
    }
    static Outcome fail(protocol::ErrorCode code, std::string message, std::string path = {}) {
        return {protocol::Error{code, std::move(path), std::move(message)}, {}, {}};
    }
};

// An entry to append; the context fills in position, time, author and encodings.
struct EntryDraft {
    std::string kind;
    boost::json::object data;
    std::string item;  // item id; empty for structural entries
    int version = 0;
    std::optional<protocol::Category> category;
    std::optional<std::vector<int>> audience;
    std::optional<int> subject;
    std::vector<std::string> persons;
    std::optional<protocol::Signal> signal;
    std::optional<std::vector<int>> signal_audience;
    std::optional<int> author;  // default: the caller
    bool redacted = false;      // the entry's content was removed
    // For entries about an existing item (completion, report, correction, redaction): who may
    // see them is exactly who may see the item; category, audience, item and policy author
    // are taken from it, and the fields above are ignored.
    const Item* of_item = nullptr;
};

// Where a batch's changes go: the writer flushes these into the transaction.
struct BatchChanges {
    std::vector<StoredEntry> entries;
    std::unordered_set<std::int64_t> rooms;          // touched rooms (head, state ...)
    std::unordered_set<std::int64_t> members;        // rooms whose membership changed
    std::vector<std::pair<std::int64_t, std::string>> items;  // (room, item) whose projection changed
    std::vector<std::pair<std::int64_t, std::string>> redacted;  // (room, item) whose stored content must go
};

class WriteContext {
public:
    struct Services {
        const identity::PartnerRegistry& registry;
        const policy::Agreement& agreement;
        const delivery::CursorCodec& cursors;
        // Finds (and locks) a room by public id; nullptr when it does not exist.
        std::function<Room*(const std::string&)> find_room;
        // A new, empty room with a fresh id.
        std::function<Room&()> create_room;
    };

    WriteContext(const Services& services, const Caller& caller, std::string now, BatchChanges& changes)
        : services_(services), caller_(caller), now_(std::move(now)), changes_(changes) {}

    const Caller& caller() const { return caller_; }
    int caller_org() const { return caller_.organisation.id; }
    const policy::Agreement& agreement() const { return services_.agreement; }
    const identity::PartnerRegistry& registry() const { return services_.registry; }
    const std::string& now() const { return now_; }

    Room* room(const std::string& public_id) { return services_.find_room(public_id); }
    Room& create_room() { return services_.create_room(); }

    // Assigns the next position, encodes the entry's views, and folds it into the room.
    const StoredEntry& append(Room& room, EntryDraft draft);

    std::string cursor(const Room& room) const { return services_.cursors.encode(room.id, room.head); }

    // The need-to-know view of the room (members with their sectors).
    policy::PolicyRoom policy(const Room& room) const;
    protocol::OrganisationRef ref(int org) const;
    std::optional<identity::Organisation> organisation(const std::string& oin) const {
        return services_.registry.find(oin);
    }

    // Marks a projection of the room as changed (the writer rewrites it).
    void touched_members(const Room& room) { changes_.members.insert(room.id); }
    void touched_item(const Room& room, const std::string& item) { changes_.items.emplace_back(room.id, item); }
    void redacted_item(const Room& room, const std::string& item) { changes_.redacted.emplace_back(room.id, item); }

private:
    const Services& services_;
    const Caller& caller_;
    std::string now_;
    BatchChanges& changes_;
};

}  // namespace kamer::server::rooms
