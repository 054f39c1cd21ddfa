#pragma once
// Who may see what. This is the only place where Kamer decides whether an entry of a room
// reaches an organisation, and every path that emits case information (live delivery,
// resume and history, listings and counts, search, export, handover, reports, notices)
// asks it, at the moment of emission, with the room as it is then.
//
// Pure functions over data: the agreement, the room's members and grants, the entry's
// metadata and the recipient. No I/O, no clock.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kamer/protocol/vocabulary.hpp"
#include "policy/agreement.hpp"

namespace kamer::server::policy {

struct MemberView {
    protocol::Sector sector = protocol::Sector::gemeente;
    protocol::Role role = protocol::Role::participant;
    bool active = false;  // invited, declined, removed and left members see nothing of the room
};

// The room as the policy sees it.
struct PolicyRoom {
    protocol::RoomKind kind = protocol::RoomKind::lokale_kamer;
    int regisseur = 0;  // organisation id of the case director
    std::unordered_map<int, MemberView> members;
    // Access granted to an item by its owner: item id -> organisation id -> grant (request) id.
    std::unordered_map<std::string, std::unordered_map<int, std::string>> grants;
};

// What the policy needs to know about an entry.
struct EntryMeta {
    int author = 0;
    // Case information has a category; structural entries (lifecycle, membership, meetings)
    // have none and go to every active member.
    std::optional<protocol::Category> category;
    std::optional<std::vector<int>> audience;  // organisation ids; absent: all members
    std::string item;                          // item id, for grants (may be empty)
    std::optional<int> subject;                // membership entries: the organisation concerned
    bool signal = false;                       // the author attached a signal
    std::optional<std::vector<int>> signal_audience;
};

enum class View { none, signal, full };

enum class BasisKind {
    author,       // the recipient wrote it
    subject,      // it is about the recipient's own membership
    member,       // structural entry: every active member
    agreement,    // a rule of the agreement: detail = "<kind>/<category>/<sector or role>"
    grant,        // the owner granted access: detail = grant id
    signal,       // only the signal, by the author's signal audience
    not_member,   // withheld: not an active member
    audience,     // withheld: not in the author's audience
    not_allowed,  // withheld: the agreement does not allow this category for the recipient
    signal_only,  // withheld: only the signal was allowed, and the reply shows full items only
};

struct Decision {
    View view = View::none;
    BasisKind basis = BasisKind::not_member;
    std::string detail;

    // For the disclosure log: "agreement:lokale-kamer/health/sector:ggz", "grant:<id>", ...
    std::string basis_text() const;
};

Decision decide(const Agreement& agreement, const PolicyRoom& room, const EntryMeta& entry, int recipient);

// Whether the recipient's sector or role allows the category at this kind of table (the
// check used when an author names an organisation that could never receive the item).
bool category_allowed(const Agreement& agreement, const PolicyRoom& room, protocol::Category category, int recipient);

}  // namespace kamer::server::policy
