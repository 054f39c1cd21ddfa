#include "rooms/room.hpp"

#include <stdexcept>

namespace kamer::server::rooms {
namespace json = boost::json;
using protocol::Decoder;

namespace {

template <class T>
T data_as(const json::object& data) {
    return Decoder(protocol::DecodeOptions{false}, "data").decode<T>(data);
}

int org_id(const identity::PartnerRegistry& registry, const std::string& oin) {
    auto o = registry.find(oin);
    return o ? o->id : 0;
}

Item& create_item(Room& room, ItemKind kind, const StoredEntry& entry, const json::object& data) {
    auto& item = room.items[entry.meta.item];
    item.id = entry.meta.item;
    item.kind = kind;
    item.entry_kind = entry.kind;
    item.seq = entry.seq;
    item.version = entry.version ? entry.version : 1;
    item.meta = entry.meta;
    item.persons = entry.persons;
    item.content = data;
    return item;
}

void take_decision_fields(Item& item, const json::object& content, const identity::PartnerRegistry& registry) {
    if (auto* owner = content.if_contains("owner"); owner && owner->is_object())
        item.owner = org_id(registry, std::string(owner->at("oin").as_string()));
    if (auto* due = content.if_contains("due"); due && due->is_string()) item.due = std::string(due->get_string());
}

void take_plan_fields(Item& item, const json::object& content, const identity::PartnerRegistry& registry) {
    take_decision_fields(item, content, registry);
    if (auto* cps = content.if_contains("checkpoints"); cps && cps->is_array())
        for (const auto& d : cps->get_array()) item.checkpoints.emplace(std::string(d.as_string()), std::nullopt);
    // Reports made before a handover travel with the agreement.
    if (auto* reports = content.if_contains("checkpoint_reports"); reports && reports->is_object())
        for (const auto& kv : reports->get_object()) item.checkpoints[std::string(kv.key())] = kv.value().as_bool();
}

void leave(Room& room, int org, MemberStatus status) {
    room.members[org].status = status;
    // 1 Gezin 1 Plan 1 Regisseur: the chair directs the case until another is designated.
    if (room.regisseur == org) room.regisseur = room.chair;
}

}  // namespace

std::string_view to_string(MemberStatus status) {
    switch (status) {
        case MemberStatus::invited: return "invited";
        case MemberStatus::active: return "active";
        case MemberStatus::declined: return "declined";
        case MemberStatus::removed: return "removed";
        case MemberStatus::left: return "left";
    }
    return "unknown";
}

bool Room::active_member(int org) const {
    auto it = members.find(org);
    return it != members.end() && it->second.status == MemberStatus::active;
}

protocol::Role Room::role_of(int org) const {
    auto it = members.find(org);
    return it == members.end() ? protocol::Role::participant : it->second.role;
}

policy::PolicyRoom policy_view(const Room& room, const identity::PartnerRegistry& registry) {
    policy::PolicyRoom p;
    p.kind = room.kind;
    p.regisseur = room.regisseur;
    p.grants = room.grants;
    for (const auto& [org, m] : room.members)
        if (auto o = registry.find(org)) p.members[org] = {o->sector, m.role, m.status == MemberStatus::active};
    return p;
}

void apply(Room& room, const StoredEntry& entry, const json::object& data, const identity::PartnerRegistry& registry) {
    const std::string& k = entry.kind;
    room.head = entry.seq;
    if (k == "room.opened") {
        auto d = data_as<protocol::RoomOpenedData>(data);
        room.kind = d.kind;
        room.case_ref = d.case_ref;
        room.title = d.title ? std::optional<std::string>(*d.title) : std::nullopt;
        room.persons.assign(d.persons.begin(), d.persons.end());
        room.chair = org_id(registry, d.chair.oin);
        room.regisseur = org_id(registry, d.regisseur);
        room.parent = d.parent ? std::optional<std::string>(*d.parent) : std::nullopt;
        room.anonymous = d.anonymous;
        room.opened_at = entry.at;
        room.members[room.chair] = {room.chair, protocol::Role::chair, MemberStatus::active};
    } else if (k == "room.transitioned") {
        auto d = data_as<protocol::RoomTransitionedData>(data);
        room.state = d.to;
        if (d.to == protocol::RoomState::closed) room.closed_at = entry.at;
    } else if (k == "member.invited" || k == "member.joined") {
        auto d = data_as<protocol::MemberData>(data);
        int org = org_id(registry, d.organisation.oin);
        auto& m = room.members[org];
        m.org = org;
        if (d.role) m.role = *d.role;
        m.status = k == "member.joined" ? MemberStatus::active : MemberStatus::invited;
    } else if (k == "member.declined") {
        leave(room, *entry.meta.subject, MemberStatus::declined);
    } else if (k == "member.removed") {
        leave(room, *entry.meta.subject, MemberStatus::removed);
    } else if (k == "member.left") {
        leave(room, *entry.meta.subject, MemberStatus::left);
    } else if (k == "member.regisseur") {
        room.regisseur = *entry.meta.subject;
    } else if (k == "person.added") {
        room.persons.push_back(data_as<protocol::PersonAddedData>(data).person);
    } else if (k == "meeting.scheduled") {
        auto d = data_as<protocol::MeetingScheduledData>(data);
        auto& m = room.meetings[d.meeting];
        m.id = d.meeting;
        m.at = d.at;
        m.title = d.title ? std::optional<std::string>(*d.title) : std::nullopt;
        m.agenda.assign(d.agenda.begin(), d.agenda.end());
    } else if (k == "meeting.agenda_added") {
        auto d = data_as<protocol::AgendaAddedData>(data);
        room.meetings.at(d.meeting).agenda.push_back(d.agenda_item);
    } else if (k == "meeting.started" || k == "meeting.closed") {
        auto d = data_as<protocol::MeetingData>(data);
        room.meetings.at(d.meeting).status = k == "meeting.started" ? MeetingStatus::started : MeetingStatus::closed;
    } else if (k == "meeting.attendance") {
        auto d = data_as<protocol::AttendanceData>(data);
        room.meetings.at(d.meeting).attendance[org_id(registry, d.organisation.oin)] = d.presence;
    } else if (k == "contribution.posted") {
        create_item(room, ItemKind::contribution, entry, data);
    } else if (k == "advice.asked") {
        create_item(room, ItemKind::advice_question, entry, data);
    } else if (k == "advice.answered") {
        create_item(room, ItemKind::advice_answer, entry, data);
    } else if (k == "person.identified") {
        create_item(room, ItemKind::identity, entry, data);
    } else if (k == "decision.recorded") {
        take_decision_fields(create_item(room, ItemKind::decision, entry, data), data, registry);
    } else if (k == "plan.agreement_added") {
        take_plan_fields(create_item(room, ItemKind::plan_agreement, entry, data), data, registry);
    } else if (k == "analysis.edited") {
        if (room.analysis.empty()) {
            create_item(room, ItemKind::analysis, entry, data);
            room.analysis = entry.meta.item;
        } else {
            auto& item = room.items.at(room.analysis);
            item.version = entry.version;
            item.content = data;
            item.persons = entry.persons;
        }
    } else if (k == "item.handed_over") {
        auto d = data_as<protocol::HandedOverData>(data);
        ItemKind kind = d.original_kind == "decision.recorded"      ? ItemKind::decision
                        : d.original_kind == "plan.agreement_added" ? ItemKind::plan_agreement
                                                                     : ItemKind::handover;
        auto& item = create_item(room, kind, entry, d.original);
        if (kind == ItemKind::decision) take_decision_fields(item, d.original, registry);
        if (kind == ItemKind::plan_agreement) take_plan_fields(item, d.original, registry);
    } else if (k == "decision.completed") {
        room.items.at(entry.meta.item).done = true;
    } else if (k == "plan.checkpoint_reported") {
        auto d = data_as<protocol::CheckpointData>(data);
        auto& item = room.items.at(entry.meta.item);
        item.checkpoints[d.checkpoint] = d.held;
        if (d.note) item.checkpoint_notes[d.checkpoint] = *d.note;
    } else if (k == "item.corrected") {
        auto& item = room.items.at(entry.meta.item);
        item.version = entry.version;
        item.content["text"] = data.at("text");
    } else if (k == "item.redacted") {
        auto& item = room.items.at(entry.meta.item);
        item.redacted = true;
        item.content.clear();
    } else if (k == "access.requested") {
        auto d = data_as<protocol::AccessRequestedData>(data);
        room.requests[d.request] = {d.request, entry.meta.item, org_id(registry, d.requester.oin), std::nullopt};
    } else if (k == "access.decided") {
        auto d = data_as<protocol::AccessDecidedData>(data);
        auto& request = room.requests.at(d.request);
        request.granted = d.granted;
        if (d.granted) room.grants[request.item][request.requester] = d.request;
    } else if (k == "access.withdrawn") {
        auto d = data_as<protocol::AccessWithdrawnData>(data);
        auto& request = room.requests.at(d.request);
        request.withdrawn = true;
        room.grants[request.item].erase(request.requester);
    } else if (k == "room.escalated" || k == "room.deescalated") {
        room.handed_over_to.push_back(data_as<protocol::HandoverData>(data).to_room);
    } else if (k == "advice.reported") {
        room.reported = true;
        room.anonymous = false;
    } else {
        throw std::runtime_error("unknown entry kind " + k);
    }
}

void apply_stored(Room& room, const StoredEntry& entry, const identity::PartnerRegistry& registry) {
    auto body = json::parse(entry.body);
    const auto& data = body.as_object().at("data").as_object();
    apply(room, entry, data, registry);
}

}  // namespace kamer::server::rooms
