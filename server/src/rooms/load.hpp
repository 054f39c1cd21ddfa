#pragma once
// Bringing a room's fold up to a position by reading its log.
#include <pqxx/pqxx>

#include <optional>
#include <string>

#include "identity/partner_registry.hpp"
#include "rooms/room.hpp"

namespace kamer::server::rooms {

// Folds the stored entries after room.head up to `head` into the room.
void fold_to(pqxx::transaction_base& tx, Room& room, std::int64_t head, const identity::PartnerRegistry& registry);

// The whole room as of now, for readers; nullopt when there is no such room.
std::optional<Room> load_room(pqxx::transaction_base& tx, const std::string& public_id,
                              const identity::PartnerRegistry& registry);

}  // namespace kamer::server::rooms
