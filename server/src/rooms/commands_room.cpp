// Rooms: opening, lifecycle, persons concerned and membership.
#include <algorithm>

#include "rooms/checks.hpp"
#include "rooms/commands.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
using protocol::Role;
using protocol::RoomState;
namespace json = boost::json;

namespace {

// The lifecycle: referred -> preparation -> in-consultation -> monitoring -> closed, back
// from monitoring to consultation when the plan needs it, and closing from any open state.
bool transition_allowed(RoomState from, RoomState to) {
    if (from == RoomState::closed) return false;
    if (to == RoomState::closed) return true;
    switch (from) {
        case RoomState::referred: return to == RoomState::preparation;
        case RoomState::preparation: return to == RoomState::in_consultation;
        case RoomState::in_consultation: return to == RoomState::monitoring;
        case RoomState::monitoring: return to == RoomState::in_consultation;
        case RoomState::closed: return false;
    }
    return false;
}

json::object member_data(const WriteContext& c, int org, std::optional<Role> role, std::optional<std::string> reason) {
    protocol::MemberData d;
    d.organisation = c.ref(org);
    d.role = role;
    if (reason) d.reason = *reason;
    return protocol::encode_value(d).as_object();
}

Check unique_persons(const protocol::List<protocol::Person, 20>& persons) {
    for (std::size_t i = 0; i < persons.size(); ++i)
        for (std::size_t j = i + 1; j < persons.size(); ++j)
            if (persons[i].ref == persons[j].ref)
                return error(ErrorCode::invalid_value, "person " + persons[i].ref + " appears twice", "body.persons");
    return std::nullopt;
}

}  // namespace

Room* open_room(WriteContext& c, const RoomSpec& spec, Check& problem) {
    auto chair = c.registry().find(spec.chair);
    if (!chair || !c.agreement().rules(spec.kind).chair_sectors.test(static_cast<std::size_t>(chair->sector))) {
        problem = error(ErrorCode::forbidden,
                        "a " + std::string(protocol::to_string(spec.kind)) + " room is not chaired by the sector " +
                            (chair ? std::string(protocol::to_string(chair->sector)) : std::string("unknown")));
        return nullptr;
    }
    if (auto p = unique_persons(spec.persons)) {
        problem = p;
        return nullptr;
    }
    Room& room = c.create_room();
    protocol::RoomOpenedData d;
    d.kind = spec.kind;
    d.case_ref = spec.case_ref;
    d.title = spec.title;
    d.persons = spec.persons;
    d.chair = c.ref(spec.chair);
    d.regisseur = chair->oin;
    d.parent = spec.parent;
    d.anonymous = spec.anonymous;
    c.append(room, {.kind = "room.opened", .data = protocol::encode_value(d).as_object()});
    c.touched_members(room);
    return &room;
}

Outcome run(WriteContext& c, const protocol::RoomOpen& r) {
    if (r.kind == protocol::RoomKind::vt_advies)
        return Outcome::fail(ErrorCode::invalid_value, "a vt-advies consultation is opened with advice.open", "body.kind");
    Check problem;
    Room* room = open_room(c, {r.kind, c.caller_org(), r.case_ref, r.title, r.persons, std::nullopt, false}, problem);
    if (!room) return {problem, {}, {}};
    return ok(c, *room);
}

Outcome run(WriteContext& c, const protocol::RoomTransition& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "changing the room's state")) return {p, {}, {}};
    if (!transition_allowed(room->state, r.to))
        return Outcome::fail(ErrorCode::invalid_transition,
                             "a room cannot go from " + std::string(protocol::to_string(room->state)) + " to " +
                                 std::string(protocol::to_string(r.to)),
                             "body.to");
    protocol::RoomTransitionedData d{room->state, r.to, r.reason};
    c.append(*room, {.kind = "room.transitioned", .data = protocol::encode_value(d).as_object()});
    return ok(c, *room);
}

Outcome run(WriteContext& c, const protocol::PersonAdd& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "recording persons concerned")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    for (const auto& existing : room->persons)
        if (existing.ref == r.person.ref)
            return Outcome::fail(ErrorCode::conflict, "person " + r.person.ref + " is already recorded", "body.person.ref");
    protocol::PersonAddedData d{r.person};
    c.append(*room, {.kind = "person.added", .data = protocol::encode_value(d).as_object()});
    return ok(c, *room);
}

Outcome run(WriteContext& c, const protocol::PersonIdentify& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair, Role::regisseur}, "recording identifiers")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (!c.agreement().rules(room->kind).identifiers)
        return Outcome::fail(ErrorCode::forbidden,
                             "the agreement does not allow identifiers at a " + std::string(protocol::to_string(room->kind)) +
                                 " table" + (room->kind == protocol::RoomKind::vt_advies ? " (make a report instead)" : ""));
    bool known = std::any_of(room->persons.begin(), room->persons.end(), [&](const auto& p) { return p.ref == r.ref; });
    if (!known) return Outcome::fail(ErrorCode::invalid_value, "no person " + r.ref + " in this room", "body.ref");
    auto audience = audience_ids(c, *room, r.audience, "body.audience", problem);
    if (problem) return {problem, {}, {}};
    auto item = random_uuid();
    protocol::PersonIdentifiedData d{r.ref, r.identifiers};
    c.append(*room, {.kind = "person.identified",
                     .data = protocol::encode_value(d).as_object(),
                     .item = item,
                     .version = 1,
                     .category = r.category,
                     .audience = audience,
                     .persons = {r.ref}});
    return ok(c, *room, item, 1);
}

Outcome run(WriteContext& c, const protocol::MemberInvite& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "inviting members")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    if (r.role != Role::participant && r.role != Role::adviser)
        return Outcome::fail(ErrorCode::invalid_value,
                             "invite as participant or adviser; the regisseur is designated with member.set-regisseur",
                             "body.role");
    auto org = c.organisation(r.organisation);
    if (!org || org->status != protocol::OrganisationStatus::active)
        return Outcome::fail(ErrorCode::not_found, "no active organisation " + r.organisation + " in the registry",
                             "body.organisation");
    if (auto m = room->members.find(org->id);
        m != room->members.end() && (m->second.status == MemberStatus::active || m->second.status == MemberStatus::invited))
        return Outcome::fail(ErrorCode::conflict, r.organisation + " is already " + std::string(to_string(m->second.status)),
                             "body.organisation");
    c.append(*room, {.kind = "member.invited", .data = member_data(c, org->id, r.role, std::nullopt), .subject = org->id});
    c.touched_members(*room);
    return ok(c, *room);
}

namespace {

// Accept and decline are answered by the invited organisation, which is not a member yet.
Room* invited_room(WriteContext& c, const std::string& room_id, Check& problem) {
    Room* room = c.room(room_id);
    auto m = room ? room->members.find(c.caller_org()) : decltype(room->members.end()){};
    if (!room || m == room->members.end() || m->second.status != MemberStatus::invited) {
        problem = error(ErrorCode::not_found, "no invitation to room " + room_id, "body.room");
        return nullptr;
    }
    return room;
}

}  // namespace

Outcome run(WriteContext& c, const protocol::MemberAccept& r) {
    Check problem;
    Room* room = invited_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    auto role = room->members.at(c.caller_org()).role;
    c.append(*room, {.kind = "member.joined", .data = member_data(c, c.caller_org(), role, std::nullopt),
                     .subject = c.caller_org()});
    c.touched_members(*room);
    return ok(c, *room);
}

Outcome run(WriteContext& c, const protocol::MemberDecline& r) {
    Check problem;
    Room* room = invited_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    c.append(*room, {.kind = "member.declined",
                     .data = member_data(c, c.caller_org(), std::nullopt,
                                         r.reason ? std::optional<std::string>(*r.reason) : std::nullopt),
                     .subject = c.caller_org()});
    c.touched_members(*room);
    protocol::Ok reply;
    reply.room = room->public_id;
    return Outcome::ok(reply);  // no cursor: the organisation is not a member
}

Outcome run(WriteContext& c, const protocol::MemberRemove& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "removing members")) return {p, {}, {}};
    auto org = c.organisation(r.organisation);
    auto m = org ? room->members.find(org->id) : room->members.end();
    if (m == room->members.end() ||
        (m->second.status != MemberStatus::active && m->second.status != MemberStatus::invited))
        return Outcome::fail(ErrorCode::not_found, r.organisation + " is not a member", "body.organisation");
    if (org->id == room->chair) return Outcome::fail(ErrorCode::forbidden, "the chair cannot be removed", "body.organisation");
    c.append(*room, {.kind = "member.removed", .data = member_data(c, org->id, std::nullopt, r.reason),
                     .subject = org->id});
    c.touched_members(*room);
    return ok(c, *room);
}

Outcome run(WriteContext& c, const protocol::MemberLeave& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (c.caller_org() == room->chair)
        return Outcome::fail(ErrorCode::forbidden, "the chair cannot leave; close the room instead");
    c.append(*room, {.kind = "member.left",
                     .data = member_data(c, c.caller_org(), std::nullopt,
                                         r.reason ? std::optional<std::string>(*r.reason) : std::nullopt),
                     .subject = c.caller_org()});
    c.touched_members(*room);
    protocol::Ok reply;
    reply.room = room->public_id;
    return Outcome::ok(reply);
}

Outcome run(WriteContext& c, const protocol::MemberSetRegisseur& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "designating the regisseur")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    auto org = active_member(c, *room, r.organisation);
    if (!org) return Outcome::fail(ErrorCode::not_found, r.organisation + " is not an active member", "body.organisation");
    if (*org == room->regisseur) return Outcome::fail(ErrorCode::conflict, r.organisation + " is already the regisseur");
    c.append(*room, {.kind = "member.regisseur", .data = member_data(c, *org, Role::regisseur, std::nullopt),
                     .subject = *org});
    c.touched_members(*room);
    return ok(c, *room);
}

}  // namespace kamer::server::rooms
