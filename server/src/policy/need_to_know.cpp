#include "policy/need_to_know.hpp"

#include <algorithm>

namespace kamer::server::policy {
namespace {

bool contains(const std::vector<int>& list, int org) { return std::find(list.begin(), list.end(), org) != list.end(); }

// The agreement rule that lets `member` receive `category`, as "sector:x" or "role:y".
std::optional<std::string> allowing_rule(const Agreement& agreement, const PolicyRoom& room,
                                         protocol::Category category, int org, const MemberView& member) {
    const auto& rule = agreement.rules(room.kind).categories[static_cast<std::size_t>(category)];
    if (rule.sectors.test(static_cast<std::size_t>(member.sector)))
        return "sector:" + std::string(protocol::to_string(member.sector));
    auto role = static_cast<std::size_t>(member.role);  // Role and RuleRole share their order
    if (member.role != protocol::Role::regisseur && rule.roles.test(role))
        return "role:" + std::string(protocol::to_string(member.role));
    if (room.regisseur == org && rule.roles.test(static_cast<std::size_t>(RuleRole::regisseur))) return "role:regisseur";
    return std::nullopt;
}

}  // namespace

std::string Decision::basis_text() const {
    switch (basis) {
        case BasisKind::author: return "author";
        case BasisKind::subject: return "subject";
        case BasisKind::member: return "member";
        case BasisKind::agreement: return "agreement:" + detail;
        case BasisKind::grant: return "grant:" + detail;
        case BasisKind::signal: return "signal";
        case BasisKind::not_member: return "withheld:not-member";
        case BasisKind::audience: return "withheld:audience";
        case BasisKind::not_allowed: return "withheld:agreement";
        case BasisKind::signal_only: return "withheld:signal-only";
    }
    return "unknown";
}

Decision decide(const Agreement& agreement, const PolicyRoom& room, const EntryMeta& entry, int recipient) {
    if (entry.subject && *entry.subject == recipient) return {View::full, BasisKind::subject, {}};
    auto m = room.members.find(recipient);
    if (m == room.members.end() || !m->second.active) return {View::none, BasisKind::not_member, {}};
    if (entry.author == recipient) return {View::full, BasisKind::author, {}};

    bool in_audience = !entry.audience || contains(*entry.audience, recipient);
    if (!entry.category) {
        if (in_audience) return {View::full, BasisKind::member, {}};
        return {View::none, BasisKind::audience, {}};
    }
    Decision withheld{View::none, in_audience ? BasisKind::not_allowed : BasisKind::audience, {}};
    if (in_audience) {
        if (auto rule = allowing_rule(agreement, room, *entry.category, recipient, m->second))
            return {View::full, BasisKind::agreement,
                    std::string(protocol::to_string(room.kind)) + "/" + std::string(protocol::to_string(*entry.category)) +
                        "/" + *rule};
    }
    if (!entry.item.empty()) {
        if (auto g = room.grants.find(entry.item); g != room.grants.end()) {
            if (auto r = g->second.find(recipient); r != g->second.end()) return {View::full, BasisKind::grant, r->second};
        }
    }
    if (entry.signal && (!entry.signal_audience || contains(*entry.signal_audience, recipient)))
        return {View::signal, BasisKind::signal, {}};
    return withheld;
}

bool category_allowed(const Agreement& agreement, const PolicyRoom& room, protocol::Category category, int recipient) {
    auto m = room.members.find(recipient);
    if (m == room.members.end()) return false;
    return allowing_rule(agreement, room, category, recipient, m->second).has_value();
}

}  // namespace kamer::server::policy
