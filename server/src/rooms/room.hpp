#pragma once
// A room as the writer knows it: the fold of its log. apply() is the one definition of what
// each kind of entry means; it runs when a command appends an entry and when a room is
// loaded from the database.
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "identity/partner_registry.hpp"
#include "kamer/protocol/messages/entries.hpp"
#include "policy/need_to_know.hpp"
#include "rooms/entry.hpp"

namespace kamer::server::rooms {

enum class MemberStatus { invited, active, declined, removed, left };
std::string_view to_string(MemberStatus status);

struct Member {
    int org = 0;
    protocol::Role role = protocol::Role::participant;
    MemberStatus status = MemberStatus::invited;
};

enum class ItemKind { contribution, decision, analysis, plan_agreement, identity, advice_question, advice_answer, handover };

struct Item {
    std::string id;
    ItemKind kind = ItemKind::contribution;
    std::string entry_kind;  // kind of the entry that created it
    std::int64_t seq = 0;    // that entry's position
    int version = 1;
    bool redacted = false;
    policy::EntryMeta meta;
    std::vector<std::string> persons;
    boost::json::object content;  // current data (after corrections)
    // Decisions and plan agreements.
    int owner = 0;
    std::string due;
    bool done = false;
    std::map<std::string, std::optional<bool>> checkpoints;  // date -> held (absent: not reported)
    std::map<std::string, std::string> checkpoint_notes;
};

enum class MeetingStatus { scheduled, started, closed };

struct Meeting {
    std::string id;
    std::string at;
    std::optional<std::string> title;
    MeetingStatus status = MeetingStatus::scheduled;
    std::vector<protocol::AgendaItem> agenda;
    std::map<int, protocol::Presence> attendance;
};

struct AccessRequest {
    std::string id;
    std::string item;
    int requester = 0;
    std::optional<bool> granted;
    bool withdrawn = false;
};

struct Room {
    std::int64_t id = 0;
    std::string public_id;
    protocol::RoomKind kind = protocol::RoomKind::lokale_kamer;
    std::string case_ref;
    std::optional<std::string> title;
    protocol::RoomState state = protocol::RoomState::referred;
    std::int64_t head = 0;  // seq of the last entry
    std::string opened_at;
    std::optional<std::string> closed_at;
    int chair = 0;
    int regisseur = 0;
    bool anonymous = false;
    bool reported = false;
    std::optional<std::string> parent;
    std::vector<std::string> handed_over_to;
    std::map<int, Member> members;
    std::vector<protocol::Person> persons;
    std::map<std::string, Meeting> meetings;
    std::unordered_map<std::string, Item> items;
    std::string analysis;  // item id of the explanatory analysis; empty until the first version
    std::map<std::string, AccessRequest> requests;
    std::unordered_map<std::string, std::unordered_map<int, std::string>> grants;

    bool active_member(int org) const;
    protocol::Role role_of(int org) const;  // only meaningful for active members
};

// The need-to-know view of a room: its members with their sectors, its grants.
policy::PolicyRoom policy_view(const Room& room, const identity::PartnerRegistry& registry);

// Folds one entry into the room. `data` is the entry's data object.
void apply(Room& room, const StoredEntry& entry, const boost::json::object& data,
           const identity::PartnerRegistry& registry);

// Folds an entry read back from storage (its body is parsed here).
void apply_stored(Room& room, const StoredEntry& entry, const identity::PartnerRegistry& registry);

}  // namespace kamer::server::rooms
