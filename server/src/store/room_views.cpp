#include "store/room_views.hpp"

namespace kamer::server::store {
namespace {

std::optional<RoomView> finish(pqxx::transaction_base& tx, const pqxx::result& rows) {
    if (rows.empty()) return std::nullopt;
    RoomView v;
    v.id = rows[0][0].as<std::int64_t>();
    v.public_id = rows[0][1].as<std::string>();
    v.head = rows[0][2].as<std::int64_t>();
    if (!protocol::from_string(rows[0][3].as<std::string>(), v.policy.kind)) return std::nullopt;
    v.policy.regisseur = rows[0][4].as<int>();
    for (const auto& m : tx.exec_params("SELECT m.org_id, o.sector, m.role, m.status FROM members m"
                                        " JOIN organisations o ON o.id = m.org_id WHERE m.room_id = $1",
                                        v.id)) {
        policy::MemberView mv;
        protocol::from_string(m[1].as<std::string>(), mv.sector);
        protocol::from_string(m[2].as<std::string>(), mv.role);
        mv.active = m[3].as<std::string>() == "active";
        v.policy.members[m[0].as<int>()] = mv;
    }
    for (const auto& g : tx.exec_params("SELECT item_id::text, org_id, request_id::text FROM grants WHERE room_id = $1 AND NOT withdrawn", v.id))
        v.policy.grants[g[0].as<std::string>()][g[1].as<int>()] = g[2].as<std::string>();
    return v;
}

}  // namespace

std::optional<RoomView> load_room_view(pqxx::transaction_base& tx, const std::string& public_id) {
    return finish(tx, tx.exec_params("SELECT id, public_id::text, head_seq, kind, regisseur_org FROM rooms"
                                     " WHERE public_id = $1::uuid",
                                     public_id));
}

std::optional<RoomView> load_room_view(pqxx::transaction_base& tx, std::int64_t id) {
    return finish(tx, tx.exec_params("SELECT id, public_id::text, head_seq, kind, regisseur_org FROM rooms WHERE id = $1", id));
}

}  // namespace kamer::server::store
