#include "rooms/checks.hpp"

#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;

Room* member_room(WriteContext& c, const std::string& room_id, Check& problem) {
    Room* room = c.room(room_id);
    if (!room || !room->active_member(c.caller_org())) {
        problem = error(ErrorCode::not_found, "no room " + room_id + " of which you are a member", "body.room");
        return nullptr;
    }
    return room;
}

Check require_role(const WriteContext& c, const Room& room, std::initializer_list<protocol::Role> roles,
                   std::string_view action) {
    auto mine = room.role_of(c.caller_org());
    for (auto r : roles)
        if (r == mine || (r == protocol::Role::regisseur && room.regisseur == c.caller_org())) return std::nullopt;
    std::string names;
    for (auto r : roles) names += (names.empty() ? "" : " or ") + std::string(protocol::to_string(r));
    return error(ErrorCode::forbidden, std::string(action) + " is for the " + names + " of the room");
}

Check require_open(const Room& room) {
    if (room.state == protocol::RoomState::closed)
        return error(ErrorCode::invalid_transition, "the room is closed");
    return std::nullopt;
}

Item* visible_item(WriteContext& c, Room& room, const std::string& item_id, Check& problem) {
    auto it = room.items.find(item_id);
    if (it != room.items.end()) {
        auto d = policy::decide(c.agreement(), c.policy(room), it->second.meta, c.caller_org());
        if (d.view == policy::View::full) return &it->second;
    }
    problem = error(ErrorCode::not_found, "no item " + item_id + " in this room", "body.item");
    return nullptr;
}

std::optional<std::vector<int>> audience_ids(const WriteContext& c, const Room& room, const protocol::Audience& a,
                                             std::string_view path, Check& problem) {
    if (a.all) return std::nullopt;
    std::vector<int> ids;
    for (const auto& oin : a.organisations) {
        auto org = active_member(c, room, oin);
        if (!org) {
            problem = error(ErrorCode::invalid_value, oin + " is not a member of this room", std::string(path));
            return std::nullopt;
        }
        ids.push_back(*org);
    }
    return ids;
}

Check check_persons(const Room& room, const std::optional<protocol::List<protocol::Token, 50>>& persons) {
    if (!persons) return std::nullopt;
    for (const auto& ref : *persons) {
        bool known = false;
        for (const auto& p : room.persons) known = known || p.ref == ref;
        if (!known) return error(ErrorCode::invalid_value, "no person " + ref + " in this room", "body.persons");
    }
    return std::nullopt;
}

std::vector<std::string> persons_of(const std::optional<protocol::List<protocol::Token, 50>>& persons) {
    return persons ? std::vector<std::string>(persons->begin(), persons->end()) : std::vector<std::string>{};
}

std::optional<int> active_member(const WriteContext& c, const Room& room, const std::string& oin) {
    auto o = c.organisation(oin);
    if (!o || !room.active_member(o->id)) return std::nullopt;
    return o->id;
}

Outcome ok(const WriteContext& c, const Room& room, const std::string& item, int version) {
    protocol::Ok r;
    r.room = room.public_id;
    if (!item.empty()) r.item = item;
    if (version) r.version = version;
    r.cursor = c.cursor(room);
    return Outcome::ok(r);
}

}  // namespace kamer::server::rooms
