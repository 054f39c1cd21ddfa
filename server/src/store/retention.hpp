#pragma once
// Retention: a closed room's content is kept for its kind's term (in the agreement), then
// removed with everything that identifies persons; the disclosure log's metadata stays.
#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "policy/agreement.hpp"

namespace kamer::server::store {

struct ExpiredRoom {
    std::int64_t id = 0;
    std::string public_id;
    protocol::RoomKind kind = protocol::RoomKind::lokale_kamer;
    std::string case_ref;
    std::string closed_at;   // RFC 3339
    std::string expired_on;  // date the term ended
};

// Closed, not yet purged rooms whose retention term ended before now.
std::vector<ExpiredRoom> expired_rooms(pqxx::transaction_base& tx, const policy::Agreement& agreement);

// Removes the room's content: entry texts, identifiers, attachments, persons and the actors
// who wrote them; the title. Marks the room purged.
void purge_room(pqxx::work& tx, const ExpiredRoom& room);

}  // namespace kamer::server::store
