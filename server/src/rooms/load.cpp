#include "rooms/load.hpp"

#include "store/room_store.hpp"

namespace kamer::server::rooms {

void fold_to(pqxx::transaction_base& tx, Room& room, std::int64_t head, const identity::PartnerRegistry& registry) {
    constexpr std::int64_t page = 5000;
    while (room.head < head)
        for (const auto& e : store::load_entries(tx, room.id, room.head, head, page)) apply_stored(room, e, registry);
}

std::optional<Room> load_room(pqxx::transaction_base& tx, const std::string& public_id,
                              const identity::PartnerRegistry& registry) {
    auto row = tx.exec_params("SELECT id, head_seq FROM rooms WHERE public_id = $1::uuid", public_id);
    if (row.empty()) return std::nullopt;
    Room room;
    room.id = row[0][0].as<std::int64_t>();
    room.public_id = public_id;
    fold_to(tx, room, row[0][1].as<std::int64_t>(), registry);
    return room;
}

}  // namespace kamer::server::rooms
