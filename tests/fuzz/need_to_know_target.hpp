#pragma once
// Fuzz target for the need-to-know policy: bytes become an agreement document (or the
// default convenant), a room with members, roles, grants and a regisseur, and an entry with
// category, audience, signal and subject. Every organisation's decision is then checked
// against a reading of the agreement document written here, independently of the server's
// parsed rule tables:
// - parse either succeeds or throws std::runtime_error (a clear refusal, no other failure);
// - the subject of a membership entry sees it; otherwise only active members see anything;
// - the author sees its own; structural entries reach the audience; case information is full
//   exactly when the recipient is in the audience and the document allows its sector or role,
//   or the owner granted access; otherwise a signal exactly when one was attached for it;
// - decide() is deterministic and category_allowed() agrees with the document.
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "finding.hpp"
#include "policy/need_to_know.hpp"

namespace kamer::fuzz {

namespace need_to_know_detail {

using namespace server::policy;
namespace json = boost::json;

class Bytes {
public:
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
    bool flag() { return next() & 1; }
    std::size_t pick(std::size_t n) { return n ? next() % n : 0; }
    std::string_view rest() const {
        return {reinterpret_cast<const char*>(data_ + pos_), size_ - std::min(pos_, size_)};
    }

private:
    const std::uint8_t* data_;
    std::size_t size_, pos_ = 0;
};

inline std::shared_ptr<const Agreement> default_agreement() {
    static const auto agreement = Agreement::load(std::string(KAMER_SOURCE_DIR) + "/server/config/convenant.json");
    return agreement;
}

// The document's own answer: may a member with this sector and role (and regisseur or not)
// receive the category at this kind of table?
inline bool document_allows(const json::object& document, protocol::RoomKind kind, protocol::Category category,
                            const MemberView& member, bool is_regisseur) {
    const auto* kinds = document.if_contains("kinds");
    const auto* k = kinds && kinds->is_object() ? kinds->as_object().if_contains(protocol::to_string(kind)) : nullptr;
    const auto* cats = k && k->is_object() ? k->as_object().if_contains("categories") : nullptr;
    const auto* rule = cats && cats->is_object() ? cats->as_object().if_contains(protocol::to_string(category)) : nullptr;
    if (!rule || !rule->is_object()) return false;
    auto listed = [&](const char* key, std::string_view name) {
        const auto* v = rule->as_object().if_contains(key);
        if (!v) return false;
        if (v->is_string()) return v->as_string() == "all";
        if (!v->is_array()) return false;
        for (const auto& x : v->as_array())
            if (x.is_string() && x.as_string() == name) return true;
        return false;
    };
    if (listed("sectors", protocol::to_string(member.sector))) return true;
    if (member.role != protocol::Role::regisseur && listed("roles", protocol::to_string(member.role))) return true;
    return is_regisseur && listed("roles", "regisseur");
}

inline std::optional<std::vector<int>> org_list(Bytes& in, int organisations) {
    if (!in.flag()) return std::nullopt;
    std::vector<int> list;
    for (std::size_t i = 0, n = in.pick(4); i < n; ++i) list.push_back(static_cast<int>(in.pick(organisations + 1)));
    return list;
}

inline bool contains(const std::optional<std::vector<int>>& list, int org) {
    return !list || std::find(list->begin(), list->end(), org) != list->end();
}

}  // namespace need_to_know_detail

inline std::optional<Finding> need_to_know_target(const std::uint8_t* data, std::size_t size) {
    using namespace need_to_know_detail;
    Bytes in(data, size);
    std::shared_ptr<const Agreement> agreement;
    if (in.flag()) {
        // The rest of the input is an agreement document.
        try {
            agreement = Agreement::parse(in.rest());
        } catch (const std::runtime_error&) {
            return std::nullopt;  // refused with a reason: fine
        } catch (const std::exception& e) {
            return Finding{"agreement-parse-exception", e.what()};
        }
    } else {
        agreement = default_agreement();
    }

    PolicyRoom room;
    room.kind = static_cast<protocol::RoomKind>(in.pick(kind_count));
    const int organisations = 1 + static_cast<int>(in.pick(8));
    for (int org = 1; org <= organisations; ++org)
        room.members[org] = {static_cast<protocol::Sector>(in.pick(sector_count)),
                             static_cast<protocol::Role>(in.pick(rule_role_count)), in.flag()};
    room.regisseur = static_cast<int>(in.pick(organisations + 1));
    EntryMeta entry;
    entry.author = static_cast<int>(in.pick(organisations + 2));
    if (auto c = in.pick(category_count + 1); c < category_count) entry.category = static_cast<protocol::Category>(c);
    entry.audience = org_list(in, organisations);
    entry.item = in.flag() ? "item-1" : "";
    if (in.flag()) entry.subject = static_cast<int>(in.pick(organisations + 2));
    entry.signal = in.flag();
    entry.signal_audience = org_list(in, organisations);
    if (in.flag()) room.grants["item-1"][static_cast<int>(in.pick(organisations + 1))] = "grant-1";

    for (int recipient = 0; recipient <= organisations + 1; ++recipient) {
        auto d = decide(*agreement, room, entry, recipient);
        auto again = decide(*agreement, room, entry, recipient);
        if (d.view != again.view || d.basis != again.basis || d.detail != again.detail)
            return Finding{"decide-not-deterministic", "recipient " + std::to_string(recipient)};

        auto m = room.members.find(recipient);
        bool active = m != room.members.end() && m->second.active;
        View expected;
        if (entry.subject && *entry.subject == recipient) {
            expected = View::full;
        } else if (!active) {
            expected = View::none;
        } else if (entry.author == recipient) {
            expected = View::full;
        } else if (!entry.category) {
            expected = contains(entry.audience, recipient) ? View::full : View::none;
        } else {
            bool allowed = contains(entry.audience, recipient) &&
                           document_allows(agreement->document(), room.kind, *entry.category, m->second,
                                           room.regisseur == recipient);
            bool granted = !entry.item.empty() && room.grants.count(entry.item) &&
                           room.grants.at(entry.item).count(recipient);
            bool signalled = entry.signal && contains(entry.signal_audience, recipient);
            expected = allowed || granted ? View::full : signalled ? View::signal : View::none;
        }
        if (d.view != expected)
            return Finding{"decide-disagrees-with-agreement",
                           "recipient " + std::to_string(recipient) + " got view " +
                               std::to_string(static_cast<int>(d.view)) + ", the document says " +
                               std::to_string(static_cast<int>(expected)) + " (" + d.basis_text() + ")"};
        if (d.basis_text().empty()) return Finding{"decision-without-basis", std::to_string(recipient)};
        if (active && entry.category &&
            category_allowed(*agreement, room, *entry.category, recipient) !=
                document_allows(agreement->document(), room.kind, *entry.category, m->second, room.regisseur == recipient))
            return Finding{"category-allowed-disagrees", std::to_string(recipient)};
    }
    return std::nullopt;
}

}  // namespace kamer::fuzz
