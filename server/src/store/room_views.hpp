#pragma once
// Reading a room's need-to-know view (members with sectors and roles, grants) from the
// projections, for readers and other nodes that do not hold the writer's fold.
#include <pqxx/pqxx>

#include <optional>
#include <string>

#include "policy/need_to_know.hpp"

namespace kamer::server::store {

struct RoomView {
    std::int64_t id = 0;
    std::string public_id;
    std::int64_t head = 0;
    policy::PolicyRoom policy;
};

std::optional<RoomView> load_room_view(pqxx::transaction_base& tx, const std::string& public_id);
std::optional<RoomView> load_room_view(pqxx::transaction_base& tx, std::int64_t id);

}  // namespace kamer::server::store
