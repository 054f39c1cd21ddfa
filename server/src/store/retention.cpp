#include "store/retention.hpp"

#include <boost/json.hpp>

#include "store/room_store.hpp"

namespace kamer::server::store {
namespace json = boost::json;

std::vector<ExpiredRoom> expired_rooms(pqxx::transaction_base& tx, const policy::Agreement& agreement) {
    std::vector<ExpiredRoom> out;
    json::array terms;
    for (std::size_t k = 0; k < policy::kind_count; ++k) {
        auto kind = static_cast<protocol::RoomKind>(k);
        terms.push_back(json::object{{"kind", protocol::to_string(kind)}, {"days", agreement.rules(kind).retention_days}});
    }
    auto rows = tx.exec_params(
        "SELECT r.id, r.public_id::text, r.kind, r.case_ref,"
        " to_char(r.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'),"
        " (r.closed_at + make_interval(days => t.days))::date::text"
        " FROM rooms r JOIN json_to_recordset($1::json) AS t(kind text, days integer) ON t.kind = r.kind"
        " WHERE r.closed_at IS NOT NULL AND r.purged_at IS NULL"
        " AND r.closed_at + make_interval(days => t.days) < now() ORDER BY r.closed_at",
        json::serialize(terms));
    for (const auto& r : rows) {
        ExpiredRoom e;
        e.id = r[0].as<std::int64_t>();
        e.public_id = r[1].as<std::string>();
        protocol::from_string(r[2].as<std::string>(), e.kind);
        e.case_ref = r[3].as<std::string>();
        e.closed_at = r[4].as<std::string>();
        e.expired_on = r[5].as<std::string>();
        out.push_back(std::move(e));
    }
    return out;
}

void purge_room(pqxx::work& tx, const ExpiredRoom& room) {
    constexpr int page = 2000;
    for (std::int64_t after = 0;;) {
        auto rows = tx.exec_params("SELECT seq, body FROM entries WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                                   room.id, after, page);
        if (rows.empty()) break;
        json::array updates;
        for (const auto& r : rows) {
            auto body = json::parse(r[1].c_str()).as_object();
            strip_content(body["data"].as_object());
            body.erase("actor");
            body.erase("persons");
            body["redacted"] = true;
            after = r[0].as<std::int64_t>();
            updates.push_back(json::object{{"seq", after}, {"body", json::serialize(body)}});
        }
        tx.exec_params(
            "UPDATE entries e SET body = u.body, signal_body = NULL, persons = '{}'"
            " FROM json_to_recordset($2::json) AS u(seq bigint, body text) WHERE e.room_id = $1 AND e.seq = u.seq",
            room.id, json::serialize(updates));
        if (rows.size() < static_cast<std::size_t>(page)) break;
    }
    tx.exec_params("UPDATE rooms SET title = NULL, purged_at = now() WHERE id = $1", room.id);
}

}  // namespace kamer::server::store
