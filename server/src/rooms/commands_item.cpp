// Case information: contributions, decisions, the analysis, the safety plan, corrections,
// redactions, and access requests to items known through a signal.
#include <algorithm>

#include "rooms/checks.hpp"
#include "rooms/commands.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
using protocol::Role;
namespace json = boost::json;

namespace {

// An item's audience, signal and persons, checked against the room and the agreement.
struct ItemScope {
    std::optional<std::vector<int>> audience;
    std::optional<std::vector<int>> signal_audience;
    Check problem;
};

ItemScope scope_of(WriteContext& c, const Room& room, protocol::Category category, const protocol::Audience& audience,
                   const std::optional<protocol::Signal>& signal,
                   const std::optional<protocol::List<protocol::Token, 50>>& persons) {
    ItemScope s;
    if ((s.problem = check_persons(room, persons))) return s;
    s.audience = audience_ids(c, room, audience, "body.audience", s.problem);
    if (s.problem) return s;
    // Naming an organisation the agreement would never give this category would make the
    // author believe it was shared: refuse, and say why.
    if (s.audience) {
        auto view = c.policy(room);
        for (int org : *s.audience)
            if (org != c.caller_org() && !policy::category_allowed(c.agreement(), view, category, org)) {
                auto o = c.registry().find(org);
                s.problem = error(ErrorCode::invalid_value,
                                  o->oin + " (" + std::string(protocol::to_string(o->sector)) + ") may not receive " +
                                      std::string(protocol::to_string(category)) + " information at a " +
                                      std::string(protocol::to_string(room.kind)) + " table under the agreement",
                                  "body.audience");
                return s;
            }
    }
    if (signal && signal->audience) {
        s.signal_audience = audience_ids(c, room, *signal->audience, "body.signal.audience", s.problem);
        if (s.problem) return s;
    }
    return s;
}

// The owner of a decision or agreement must be an active member who may see it.
std::optional<int> owner_of(WriteContext& c, const Room& room, const std::string& oin, protocol::Category category,
                            const ItemScope& scope, Check& problem) {
    auto owner = active_member(c, room, oin);
    if (!owner) {
        problem = error(ErrorCode::invalid_value, oin + " is not an active member", "body.owner");
        return std::nullopt;
    }
    policy::EntryMeta meta;
    meta.author = c.caller_org();
    meta.category = category;
    meta.audience = scope.audience;
    if (policy::decide(c.agreement(), c.policy(room), meta, *owner).view != policy::View::full) {
        problem = error(ErrorCode::invalid_value, oin + " could not see this item, so it cannot own it", "body.owner");
        return std::nullopt;
    }
    return owner;
}

Check check_meeting(const Room& room, const std::optional<protocol::Uuid>& meeting,
                    const std::optional<protocol::Uuid>& agenda_item) {
    if (!meeting) {
        if (agenda_item) return error(ErrorCode::missing_field, "an agenda item belongs to a meeting", "body.meeting");
        return std::nullopt;
    }
    auto m = room.meetings.find(*meeting);
    if (m == room.meetings.end()) return error(ErrorCode::not_found, "no meeting " + *meeting + " in this room", "body.meeting");
    if (agenda_item && std::none_of(m->second.agenda.begin(), m->second.agenda.end(),
                                    [&](const auto& a) { return a.id == *agenda_item; }))
        return error(ErrorCode::not_found, "no agenda item " + *agenda_item + " in that meeting", "body.agenda_item");
    return std::nullopt;
}

}  // namespace

Outcome run(WriteContext& c, const protocol::ContributionPost& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (auto p = check_meeting(*room, r.meeting, r.agenda_item)) return {p, {}, {}};
    auto scope = scope_of(c, *room, r.category, r.audience, r.signal, r.persons);
    if (scope.problem) return {scope.problem, {}, {}};
    protocol::ContributionData d{r.meeting, r.agenda_item, r.text, r.attachments};
    auto item = random_uuid();
    c.append(*room, {.kind = "contribution.posted",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category,
                     .audience = scope.audience,
                     .persons = persons_of(r.persons),
                     .signal = r.signal,
                     .signal_audience = scope.signal_audience});
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::DecisionRecord& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (auto p = check_meeting(*room, r.meeting, std::nullopt)) return {p, {}, {}};
    auto scope = scope_of(c, *room, r.category, r.audience, r.signal, r.persons);
    if (scope.problem) return {scope.problem, {}, {}};
    auto owner = owner_of(c, *room, r.owner, r.category, scope, problem);
    if (!owner) return {problem, {}, {}};
    protocol::DecisionData d{r.meeting, r.text, c.ref(*owner), r.due};
    auto item = random_uuid();
    c.append(*room, {.kind = "decision.recorded",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category,
                     .audience = scope.audience,
                     .persons = persons_of(r.persons),
                     .signal = r.signal,
                     .signal_audience = scope.signal_audience});
    c.touched_item(*room, item);
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::DecisionComplete& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    Item* item = visible_item(c, *room, r.decision, problem);
    if (!item || item->kind != ItemKind::decision)
        return Outcome::fail(ErrorCode::not_found, "no decision " + r.decision + " in this room", "body.decision");
    if (item->owner != c.caller_org() && room->chair != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "a decision is completed by its owner or the chair");
    if (item->done) return Outcome::fail(ErrorCode::conflict, "the decision is already done", "body.decision");
    protocol::DecisionCompletedData d{r.note};
    c.append(*room, {.kind = "decision.completed", .data = protocol::encode_value(d).as_object(), .of_item = item});
    c.touched_item(*room, item->id);
    return ok(c, *room, item->id);
}

Outcome run(WriteContext& c, const protocol::AnalysisEdit& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (auto p = check_persons(*room, r.persons)) return {p, {}, {}};
    int current = room->analysis.empty() ? 0 : room->items.at(room->analysis).version;
    if (r.base_version != current)
        return Outcome::fail(ErrorCode::stale_version,
                             "the analysis is at version " + std::to_string(current) + "; edit that version",
                             "body.base_version");
    auto item = room->analysis.empty() ? random_uuid() : room->analysis;
    protocol::AnalysisData d{r.text};
    c.append(*room, {.kind = "analysis.edited",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = current + 1,
                     .category = protocol::Category::general,
                     .persons = persons_of(r.persons)});
    return ok(c, *room, item, current + 1);
}

Outcome run(WriteContext& c, const protocol::PlanAgreementAdd& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair, Role::regisseur}, "adding safety-plan agreements"))
        return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (r.checkpoints.empty())
        return Outcome::fail(ErrorCode::invalid_value, "an agreement needs at least one checkpoint", "body.checkpoints");
    std::vector<std::string> dates(r.checkpoints.begin(), r.checkpoints.end());
    std::sort(dates.begin(), dates.end());
    if (std::adjacent_find(dates.begin(), dates.end()) != dates.end())
        return Outcome::fail(ErrorCode::invalid_value, "a checkpoint date appears twice", "body.checkpoints");
    auto scope = scope_of(c, *room, r.category, r.audience, std::nullopt, r.persons);
    if (scope.problem) return {scope.problem, {}, {}};
    auto owner = owner_of(c, *room, r.owner, r.category, scope, problem);
    if (!owner) return {problem, {}, {}};
    protocol::PlanAgreementData d;
    d.text = r.text;
    d.owner = c.ref(*owner);
    for (const auto& date : dates) d.checkpoints.push_back(date);
    auto item = random_uuid();
    c.append(*room, {.kind = "plan.agreement_added",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category,
                     .audience = scope.audience,
                     .persons = persons_of(r.persons)});
    c.touched_item(*room, item);
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::CheckpointReport& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    Item* item = visible_item(c, *room, r.agreement, problem);
    if (!item || item->kind != ItemKind::plan_agreement)
        return Outcome::fail(ErrorCode::not_found, "no safety-plan agreement " + r.agreement + " in this room",
                             "body.agreement");
    if (item->owner != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "the owner of the agreement reports on its checkpoints");
    auto cp = item->checkpoints.find(r.checkpoint);
    if (cp == item->checkpoints.end())
        return Outcome::fail(ErrorCode::not_found, "the agreement has no checkpoint on " + r.checkpoint, "body.checkpoint");
    if (cp->second) return Outcome::fail(ErrorCode::conflict, "this checkpoint was already reported", "body.checkpoint");
    if (r.checkpoint > today())
        return Outcome::fail(ErrorCode::invalid_value, "the checkpoint of " + r.checkpoint + " has not come yet",
                             "body.checkpoint");
    protocol::CheckpointData d{r.checkpoint, r.held, r.note};
    c.append(*room, {.kind = "plan.checkpoint_reported", .data = protocol::encode_value(d).as_object(), .of_item = item});
    c.touched_item(*room, item->id);
    return ok(c, *room, item->id);
}

Outcome run(WriteContext& c, const protocol::ItemCorrect& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    Item* item = visible_item(c, *room, r.item, problem);
    if (!item) return {problem, {}, {}};
    if (item->meta.author != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "only the author corrects an item", "body.item");
    if (item->redacted) return Outcome::fail(ErrorCode::conflict, "the item was redacted", "body.item");
    if (!item->content.contains("text") || item->kind == ItemKind::analysis)
        return Outcome::fail(ErrorCode::invalid_value,
                             item->kind == ItemKind::analysis ? "edit the analysis with analysis.edit"
                                                              : "this item has no text to correct",
                             "body.item");
    protocol::CorrectionData d{r.text, r.note};
    int version = item->version + 1;
    EntryDraft draft{.kind = "item.corrected", .data = protocol::encode_value(d).as_object(), .version = version,
                     .of_item = item};
    c.append(*room, std::move(draft));
    return ok(c, *room, r.item, version);
}

Outcome run(WriteContext& c, const protocol::ItemRedact& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    Item* item = visible_item(c, *room, r.item, problem);
    if (!item) return {problem, {}, {}};
    if (item->meta.author != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "only the author redacts an item", "body.item");
    if (item->redacted) return Outcome::fail(ErrorCode::conflict, "the item was already redacted", "body.item");
    protocol::RedactionData d{r.reason};
    c.append(*room, {.kind = "item.redacted", .data = protocol::encode_value(d).as_object(), .of_item = item});
    c.redacted_item(*room, r.item);
    return ok(c, *room, r.item);
}

Outcome run(WriteContext& c, const protocol::AccessRequest& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    auto it = room->items.find(r.item);
    auto view = it == room->items.end() ? policy::View::none
                                        : policy::decide(c.agreement(), c.policy(*room), it->second.meta, c.caller_org()).view;
    // Only a member that knows of the item through its signal can ask; to anyone else the
    // item does not exist.
    if (view == policy::View::none) return Outcome::fail(ErrorCode::not_found, "no item " + r.item + " in this room", "body.item");
    if (view == policy::View::full) return Outcome::fail(ErrorCode::conflict, "you can already see this item", "body.item");
    for (const auto& [id, req] : room->requests)
        if (req.item == r.item && req.requester == c.caller_org() && !req.granted)
            return Outcome::fail(ErrorCode::conflict, "you already asked for this item", "body.item");
    protocol::AccessRequestedData d{random_uuid(), c.ref(c.caller_org()), r.reason};
    auto request = d.request;
    c.append(*room, {.kind = "access.requested",
                     .data = protocol::encode_value(d).as_object(),
                     .item = r.item,
                     .audience = std::vector<int>{c.caller_org(), it->second.meta.author}});
    return ok(c, *room, request);
}

Outcome run(WriteContext& c, const protocol::AccessDecide& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    auto req = room->requests.find(r.request);
    const Item* item = req == room->requests.end() ? nullptr : &room->items.at(req->second.item);
    if (!item || (item->meta.author != c.caller_org() && req->second.requester != c.caller_org()))
        return Outcome::fail(ErrorCode::not_found, "no access request " + r.request + " in this room", "body.request");
    if (item->meta.author != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "the organisation that owns the item decides");
    if (req->second.granted.has_value())
        return Outcome::fail(ErrorCode::conflict, "this request was already decided", "body.request");
    int requester = req->second.requester;
    if (r.grant && !room->active_member(requester))
        return Outcome::fail(ErrorCode::conflict, "the requester is no longer a member", "body.request");
    protocol::AccessDecidedData d;
    d.request = r.request;
    d.requester = c.ref(requester);
    d.granted = r.grant;
    d.basis = r.basis;
    d.reason = r.reason;
    EntryDraft draft{.kind = "access.decided", .item = item->id,
                     .audience = std::vector<int>{requester, item->meta.author}};
    if (r.grant && !item->redacted) {
        // The requester receives the item itself with the decision, from the grant on.
        json::object disclosed{{"kind", item->entry_kind}, {"version", item->version}, {"data", item->content}};
        d.disclosed = disclosed;
        draft.category = item->meta.category;
    }
    draft.data = protocol::encode_value(d).as_object();
    c.append(*room, std::move(draft));
    if (r.grant) c.touched_item(*room, item->id);
    return ok(c, *room, r.request);
}

Outcome run(WriteContext& c, const protocol::AccessWithdraw& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    auto req = room->requests.find(r.request);
    const Item* item = req == room->requests.end() ? nullptr : &room->items.at(req->second.item);
    if (!item || (item->meta.author != c.caller_org() && req->second.requester != c.caller_org()))
        return Outcome::fail(ErrorCode::not_found, "no access request " + r.request + " in this room", "body.request");
    if (item->meta.author != c.caller_org())
        return Outcome::fail(ErrorCode::forbidden, "the organisation that owns the item withdraws a grant");
    if (req->second.granted != true || req->second.withdrawn)
        return Outcome::fail(ErrorCode::conflict, "there is no grant in force for this request", "body.request");
    protocol::AccessWithdrawnData d{r.request, c.ref(req->second.requester), r.reason};
    c.append(*room, {.kind = "access.withdrawn",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item->id,
                     .audience = std::vector<int>{req->second.requester, item->meta.author}});
    c.touched_item(*room, item->id);
    return ok(c, *room, r.request);
}

}  // namespace kamer::server::rooms
