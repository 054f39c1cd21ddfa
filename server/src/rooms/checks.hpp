#pragma once
// Checks shared by the commands. Each returns the error to answer with, or nothing.
//
// Error discipline (need-to-know): a room or item the caller may not see is "not_found",
// exactly as one that does not exist; "forbidden" is only said about things the caller can see.
#include <optional>
#include <string>

#include "kamer/protocol/error.hpp"
#include "rooms/write_context.hpp"

namespace kamer::server::rooms {

using Check = std::optional<protocol::Error>;

inline protocol::Error error(protocol::ErrorCode code, std::string message, std::string path = {}) {
    return {code, std::move(path), std::move(message)};
}

// The room, when the caller is an active member; else not_found.
Room* member_room(WriteContext& c, const std::string& room_id, Check& problem);

// The caller's role must be one of `roles` (for the chair-only and similar actions).
Check require_role(const WriteContext& c, const Room& room, std::initializer_list<protocol::Role> roles,
                   std::string_view action);

// Changes to a closed room's content are refused.
Check require_open(const Room& room);

// The item, when the caller may see it (need-to-know); else not_found.
Item* visible_item(WriteContext& c, Room& room, const std::string& item_id, Check& problem);

// The author's chosen audience, as organisation ids: every named organisation must be an
// active member. Absent (std::nullopt) means all members.
std::optional<std::vector<int>> audience_ids(const WriteContext& c, const Room& room, const protocol::Audience& a,
                                             std::string_view path, Check& problem);

// Person references must name persons concerned of the room.
Check check_persons(const Room& room, const std::optional<protocol::List<protocol::Token, 50>>& persons);
std::vector<std::string> persons_of(const std::optional<protocol::List<protocol::Token, 50>>& persons);

// An active member organisation by OIN.
std::optional<int> active_member(const WriteContext& c, const Room& room, const std::string& oin);

Outcome ok(const WriteContext& c, const Room& room, const std::string& item = {}, int version = 0);

}  // namespace kamer::server::rooms
