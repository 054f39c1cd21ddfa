// Escalation (opschalen/afschalen) between lokale kamer and MDA++, and Veilig Thuis advice.
#include <algorithm>

#include "rooms/checks.hpp"
#include "rooms/commands.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
using protocol::Role;
using protocol::RoomKind;
namespace json = boost::json;

namespace {

// Moves a case from `from_kind` to `to_kind`: a new room chaired by `chair`, linked to this
// one, with the chosen items and, so that no risk drops out of sight, every open decision
// and every safety-plan agreement. Who in the new room sees a handed-over item is decided
// there, by that room's agreement and the author's audience, like any other item.
Outcome hand_over(WriteContext& c, const std::string& room_id, const std::string& chair_oin,
                  const protocol::List<protocol::Uuid, 200>& chosen, const protocol::Text& reason, RoomKind from_kind,
                  RoomKind to_kind, const char* entry_kind) {
    Check problem;
    Room* room = member_room(c, room_id, problem);
    if (!room) return {problem, {}, {}};
    if (room->kind != from_kind)
        return Outcome::fail(ErrorCode::invalid_transition,
                             std::string(entry_kind == std::string("room.escalated") ? "escalation" : "de-escalation") +
                                 " goes from a " + std::string(protocol::to_string(from_kind)) + " room",
                             "body.room");
    if (auto p = require_role(c, *room, {Role::chair}, "handing over the case")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    auto chair = c.organisation(chair_oin);
    if (!chair || chair->status != protocol::OrganisationStatus::active)
        return Outcome::fail(ErrorCode::not_found, "no active organisation " + chair_oin + " in the registry", "body.chair");

    std::vector<const Item*> items;
    for (const auto& id : chosen) {
        Item* item = visible_item(c, *room, id, problem);
        if (!item) return {problem, {}, {}};
        if (item->redacted) return Outcome::fail(ErrorCode::conflict, "item " + id + " was redacted", "body.items");
        if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);
    }
    std::vector<const Item*> travelling;
    for (const auto& [id, item] : room->items)
        if (!item.redacted && ((item.kind == ItemKind::decision && !item.done) || item.kind == ItemKind::plan_agreement))
            travelling.push_back(&item);
    std::sort(travelling.begin(), travelling.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
    for (auto* item : travelling)
        if (std::find(items.begin(), items.end(), item) == items.end()) items.push_back(item);

    Room* target = open_room(c, {to_kind, chair->id, room->case_ref,
                                 room->title ? std::optional<protocol::Name>(*room->title) : std::nullopt,
                                 protocol::List<protocol::Person, 20>(room->persons.begin(), room->persons.end()),
                                 room->public_id, room->anonymous},
                             problem);
    if (!target) return {problem, {}, {}};
    if (chair->id != c.caller_org()) {
        protocol::MemberData joined{c.ref(c.caller_org()), Role::participant, std::nullopt};
        c.append(*target, {.kind = "member.joined", .data = protocol::encode_value(joined).as_object(),
                           .subject = c.caller_org()});
    }
    for (const Item* item : items) {
        protocol::HandedOverData d;
        d.from_room = room->public_id;
        d.original_kind = item->entry_kind;
        d.original_item = item->id;
        d.original = item->content;
        if (item->kind == ItemKind::plan_agreement) {
            json::object reports;
            for (const auto& [date, held] : item->checkpoints)
                if (held) reports[date] = *held;
            d.original["checkpoint_reports"] = std::move(reports);
        }
        auto id = random_uuid();
        c.append(*target, {.kind = "item.handed_over",
                           .data = protocol::encode_value(d).as_object(),
                           .item = id,
                           .version = 1,
                           .category = item->meta.category,
                           .audience = item->meta.audience,  // the author's choice travels along
                           .persons = item->persons,
                           .author = item->meta.author});
        c.touched_item(*target, id);
    }
    protocol::HandoverData h{target->public_id, to_kind, c.ref(chair->id), reason};
    c.append(*room, {.kind = entry_kind, .data = protocol::encode_value(h).as_object()});
    protocol::Ok reply;
    reply.room = target->public_id;
    reply.cursor = c.cursor(*target);
    return Outcome::ok(reply);
}

}  // namespace

Outcome run(WriteContext& c, const protocol::RoomEscalate& r) {
    return hand_over(c, r.room, r.chair, r.items, r.reason, RoomKind::lokale_kamer, RoomKind::mda, "room.escalated");
}

Outcome run(WriteContext& c, const protocol::RoomDeescalate& r) {
    return hand_over(c, r.room, r.chair, r.items, r.reason, RoomKind::mda, RoomKind::lokale_kamer, "room.deescalated");
}

Outcome run(WriteContext& c, const protocol::AdviceOpen& r) {
    auto adviser = c.organisation(r.adviser);
    if (!adviser || adviser->status != protocol::OrganisationStatus::active ||
        adviser->sector != protocol::Sector::veilig_thuis)
        return Outcome::fail(ErrorCode::invalid_value, r.adviser + " is not an active Veilig Thuis organisation",
                             "body.adviser");
    if (adviser->id == c.caller_org())
        return Outcome::fail(ErrorCode::invalid_value, "ask another organisation for advice", "body.adviser");
    Check problem;
    Room* room = open_room(c, {RoomKind::vt_advies, c.caller_org(), r.case_ref, std::nullopt, r.persons, std::nullopt,
                               r.anonymous},
                           problem);
    if (!room) return {problem, {}, {}};
    protocol::MemberData joined{c.ref(adviser->id), Role::adviser, std::nullopt};
    c.append(*room, {.kind = "member.joined", .data = protocol::encode_value(joined).as_object(), .subject = adviser->id});
    protocol::AdviceData question{r.question};
    auto item = random_uuid();
    c.append(*room, {.kind = "advice.asked",
                     .data = protocol::encode_value(question).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category});
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::AdviceAnswer& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (room->kind != RoomKind::vt_advies)
        return Outcome::fail(ErrorCode::invalid_value, "advice is answered in a vt-advies room", "body.room");
    if (auto p = require_role(c, *room, {Role::adviser}, "answering the advice question")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    protocol::AdviceData d{r.text};
    auto item = random_uuid();
    c.append(*room, {.kind = "advice.answered",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category});
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::AdviceReport& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (room->kind != RoomKind::vt_advies)
        return Outcome::fail(ErrorCode::invalid_value, "only an advice consultation becomes a report", "body.room");
    if (auto p = require_role(c, *room, {Role::chair, Role::adviser}, "making a report")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (room->reported) return Outcome::fail(ErrorCode::conflict, "this consultation is already a report");
    for (const auto& p : r.persons)
        if (std::none_of(room->persons.begin(), room->persons.end(), [&](const auto& q) { return q.ref == p.ref; }))
            return Outcome::fail(ErrorCode::invalid_value, "no person " + p.ref + " in this room", "body.persons");
    // The identifiers are report data: Veilig Thuis keeps them (and the author sees its own).
    for (const auto& p : r.persons) {
        protocol::PersonIdentifiedData d{p.ref, p.identifiers};
        c.append(*room, {.kind = "person.identified",
                         .data = protocol::encode_value(d).as_object(),
                         .item = random_uuid(),
                         .version = 1,
                         .category = protocol::Category::veilig_thuis_report,
                         .persons = {p.ref}});
    }
    protocol::AdviceReportedData d{r.reason};
    c.append(*room, {.kind = "advice.reported", .data = protocol::encode_value(d).as_object()});
    return ok(c, *room);
}

}  // namespace kamer::server::rooms
