#include "store/room_store.hpp"

#include <algorithm>
#include <openssl/rand.h>

#include <charconv>
#include <chrono>
#include <stdexcept>
#include <string_view>

#include "util/ids.hpp"

namespace kamer::server::store {
namespace json = boost::json;

namespace {

// The statements of a write batch (prepared once per writer connection, see WriteScript).

// One statement, which goes with BEGIN: the rooms' rows first (the reply columns null), then
// the stored replies (the room columns null).
// NO KEY UPDATE: writers still queue behind each other, but the foreign-key checks of rows
// that refer to a room (a disclosure row written meanwhile) do not. FOR UPDATE blocked them,
// and deadlocked with the disclosure log, which refers to several rooms at once.
// The keys travel as two arrays, not as JSON: the planner takes a function's rows from JSON
// to be 100 and from an array 10, and with 100 it chose to read all of ops for every batch
// until the table held some ten thousand rows (WritePath.IdempotencyLookupUsesTheIndexOfOps).
const ScriptStatement start_batch_statement{
    "kamer_start_batch", "uuid[], integer[], text[]",
    "WITH locked AS MATERIALIZED (SELECT id, public_id::text AS public_id, head_seq FROM rooms"
    " WHERE public_id = ANY($1) ORDER BY id FOR NO KEY UPDATE)"
    " SELECT id, public_id, head_seq, NULL::integer, NULL::text, NULL::text, NULL::text FROM locked"
    " UNION ALL"
    " SELECT NULL, NULL, NULL, o.org_id, o.client_id, encode(o.request_hash, 'hex'), o.reply FROM ops o"
    " JOIN unnest($2, $3) AS w(org_id, client_id) ON o.org_id = w.org_id AND o.client_id = w.client_id"};

// See kamer_expect_heads (migration 0006).
const ScriptStatement expect_heads_statement{"kamer_expect_heads", "uuid[], bigint[]",
                                             "SELECT kamer_expect_heads($1, $2)"};

const ScriptStatement insert_entries_statement{
    "kamer_insert_entries", "json", "INSERT INTO entries SELECT * FROM json_populate_recordset(NULL::entries, $1)"};

const ScriptStatement save_rooms_statement{
    "kamer_save_rooms", "json",
    "INSERT INTO rooms (id, public_id, kind, case_ref, title, state, head_seq, chair_org, regisseur_org,"
    " parent_room, opened_at, closed_at)"
    " SELECT r.id, r.public_id, r.kind, r.case_ref, r.title, r.state, r.head_seq, r.chair_org, r.regisseur_org,"
    " (SELECT p.id FROM rooms p WHERE p.public_id = r.parent), r.opened_at, r.closed_at"
    " FROM json_to_recordset($1) AS r(id bigint, public_id uuid, kind text, case_ref text, title text,"
    " state text, head_seq bigint, chair_org integer, regisseur_org integer, parent uuid, opened_at timestamptz,"
    " closed_at timestamptz)"
    " ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, head_seq = EXCLUDED.head_seq,"
    " regisseur_org = EXCLUDED.regisseur_org, closed_at = EXCLUDED.closed_at"};

const ScriptStatement save_members_statement{
    "kamer_save_members", "json",
    "INSERT INTO members SELECT * FROM json_populate_recordset(NULL::members, $1)"
    " ON CONFLICT (room_id, org_id) DO UPDATE SET role = EXCLUDED.role, status = EXCLUDED.status"};

const ScriptStatement save_decisions_statement{
    "kamer_save_decisions", "json",
    "INSERT INTO decisions SELECT * FROM json_populate_recordset(NULL::decisions, $1)"
    " ON CONFLICT (item_id) DO UPDATE SET done = EXCLUDED.done"};

const ScriptStatement save_checkpoints_statement{
    "kamer_save_checkpoints", "json",
    "INSERT INTO checkpoints SELECT * FROM json_populate_recordset(NULL::checkpoints, $1)"
    " ON CONFLICT (item_id, due) DO UPDATE SET held = EXCLUDED.held"};

const ScriptStatement save_grants_statement{
    "kamer_save_grants", "json",
    "INSERT INTO grants SELECT * FROM json_populate_recordset(NULL::grants, $1)"
    " ON CONFLICT (item_id, org_id) DO UPDATE SET request_id = excluded.request_id, withdrawn = false"};

// Grants of these items that are no longer in force were withdrawn.
const ScriptStatement withdraw_grants_statement{
    "kamer_withdraw_grants", "json",
    "UPDATE grants g SET withdrawn = true FROM json_to_recordset($1) AS t(item_id uuid, orgs integer[])"
    " WHERE g.item_id = t.item_id AND NOT g.withdrawn AND NOT (g.org_id = ANY (t.orgs))"};

const ScriptStatement notify_rooms_statement{
    "kamer_notify_rooms", "json", "SELECT pg_notify('kamer_room', p) FROM json_array_elements_text($1) p"};

const ScriptStatement insert_replies_statement{
    "kamer_insert_replies", "json",
    "INSERT INTO ops (org_id, client_id, request_hash, reply)"
    " SELECT org_id, client_id, decode(request_hash, 'hex'), reply"
    " FROM json_to_recordset($1) AS r(org_id integer, client_id text, request_hash text, reply text)"};

json::value int_list(const std::optional<std::vector<int>>& v) {
    if (!v) return nullptr;
    json::array a;
    for (int x : *v) a.emplace_back(x);
    return a;
}

}  // namespace

// Read for every entry of a page, so without a JSON document per field: int lists are read
// directly, text lists parsed into a buffer on the stack.
std::optional<std::vector<int>> parse_int_list(const pqxx::field& f) {
    if (f.is_null()) return std::nullopt;
    std::string_view text(f.c_str(), f.size());
    if (text.size() < 2 || text.front() != '[' || text.back() != ']') throw std::runtime_error("not an int list");
    text = text.substr(1, text.size() - 2);
    std::vector<int> out;
    while (!text.empty()) {
        int x = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
        if (ec != std::errc{}) throw std::runtime_error("not an int list");
        out.push_back(x);
        text.remove_prefix(static_cast<std::size_t>(end - text.data()));
        if (text.empty()) break;
        if (text.front() != ',') throw std::runtime_error("not an int list");
        text.remove_prefix(1);
    }
    return out;
}

std::vector<std::string> parse_text_list(const pqxx::field& f) {
    std::vector<std::string> out;
    if (f.is_null() || std::string_view(f.c_str(), f.size()) == "[]") return out;
    unsigned char buffer[2048];
    json::monotonic_resource scratch(buffer);
    // Named: a temporary in a range-for initialiser would die before the loop.
    json::value list = json::parse(std::string_view(f.c_str(), f.size()), &scratch);
    for (const auto& x : list.as_array()) out.emplace_back(x.as_string());
    return out;
}

namespace {

// A PostgreSQL array literal of the texts, each quoted: uuid[] and text[] read it alike.
std::string array_literal(const std::vector<std::string>& texts) {
    std::string out = "{";
    for (std::size_t i = 0; i < texts.size(); ++i) {
        out.append(i ? ",\"" : "\"");
        for (char c : texts[i]) {
            if (c == '"' || c == '\\') out.push_back('\\');
            out.push_back(c);
        }
        out.push_back('"');
    }
    return out + "}";
}

}  // namespace

std::array<unsigned char, 16> cursor_key(pqxx::connection& connection) {
    std::array<unsigned char, 16> fresh;
    if (RAND_bytes(fresh.data(), 16) != 1) throw std::runtime_error("no randomness for the cursor key");
    pqxx::work tx(connection);
    pqxx::binarystring candidate(fresh.data(), fresh.size());
    tx.exec_params("INSERT INTO server_secrets (name, value) VALUES ('cursor_key', $1) ON CONFLICT DO NOTHING", candidate);
    auto row = tx.exec1("SELECT value FROM server_secrets WHERE name = 'cursor_key'");
    tx.commit();
    pqxx::binarystring stored(row[0]);
    if (stored.size() != 16) throw std::runtime_error("server_secrets.cursor_key is not 16 bytes");
    std::array<unsigned char, 16> key;
    std::copy(stored.begin(), stored.end(), key.begin());
    return key;
}

void prepare_writes(pqxx::connection& connection) {
    // Every statement of the writer reads rows by key. PostgreSQL keeps the plan it makes for a
    // prepared statement until the tables' statistics change: made on a young database (ops
    // and rooms small, never analysed), it read both tables whole for every batch, and went on
    // doing so as they grew, until autovacuum first analysed them. So this connection never
    // prefers a scan where an index serves, whatever the statistics say.
    pqxx::nontransaction(connection).exec("SET enable_seqscan = off");
    prepare_statements(connection, {&start_batch_statement, &expect_heads_statement, &insert_entries_statement,
                                    &save_rooms_statement, &save_members_statement, &save_decisions_statement,
                                    &save_checkpoints_statement, &save_grants_statement, &withdraw_grants_statement,
                                    &notify_rooms_statement, &insert_replies_statement});
}

BatchStart start_batch(BatchTransaction& tx, const std::vector<std::pair<int, std::string>>& keys,
                       const std::vector<std::string>& public_ids) {
    auto& q = tx.statements();
    std::vector<std::string> orgs, client_ids;
    for (const auto& [org, id] : keys) {
        orgs.push_back(std::to_string(org));
        client_ids.push_back(id);
    }
    const std::string rooms = array_literal(public_ids), org_list = array_literal(orgs),
                      id_list = array_literal(client_ids);
    auto rows = tx.begin(execute_sql(q, start_batch_statement, {&rooms, &org_list, &id_list}));
    BatchStart out;
    for (const auto& r : rows) {
        if (!r[0].is_null())
            out.rooms.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::int64_t>()});
        else
            out.replies[{r[3].as<int>(), r[4].as<std::string>()}] = {r[5].as<std::string>(), r[6].as<std::string>()};
    }
    return out;
}

std::string expect_heads(pqxx::transaction_base& tx, const std::vector<RoomHead>& rooms) {
    if (rooms.empty()) return {};
    std::vector<std::string> ids, heads;
    for (const auto& r : rooms) {
        ids.push_back(r.public_id);
        heads.push_back(std::to_string(r.head));
    }
    const std::string id_list = array_literal(ids), head_list = array_literal(heads);
    return execute_sql(tx, expect_heads_statement, {&id_list, &head_list}) + ";\n";
}

std::vector<RoomHead> load_heads(pqxx::transaction_base& tx, const std::vector<std::int64_t>& rooms) {
    std::vector<std::string> ids;
    for (auto room : rooms) ids.push_back(std::to_string(room));
    std::vector<RoomHead> out;
    for (const auto& row : tx.exec_params("SELECT id, public_id::text, head_seq FROM rooms WHERE id = ANY($1::bigint[])",
                                          array_literal(ids)))
        out.push_back({row[0].as<std::int64_t>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
    return out;
}

std::int64_t next_room_id(pqxx::transaction_base& tx) { return tx.exec1("SELECT nextval('rooms_id_seq')")[0].as<std::int64_t>(); }

const char* const entry_columns =
    "e.seq, e.kind, coalesce(e.item_id::text, ''), e.version, e.author_org, e.category, array_to_json(e.audience),"
    " e.subject_org, e.signal, array_to_json(e.signal_audience), array_to_json(e.persons),"
    " (date_part('epoch', e.at) * 1000)::bigint, e.body, e.signal_body";

rooms::StoredEntry entry_of(const pqxx::row& row, std::int64_t room) {
    constexpr pqxx::row::size_type columns = 14;  // of entry_columns
    if (row.size() < columns) throw std::logic_error("a row without the entry columns");
    const auto first = row.size() - columns;
    auto r = [&](pqxx::row::size_type i) { return row[first + i]; };
    rooms::StoredEntry e;
    e.room = room;
    e.seq = r(0).as<std::int64_t>();
    e.kind = r(1).as<std::string>();
    e.meta.item = r(2).as<std::string>();
    e.version = r(3).as<int>();
    e.meta.author = r(4).as<int>();
    if (!r(5).is_null()) {
        protocol::Category c{};
        if (!protocol::from_string(r(5).as<std::string>(), c)) throw std::runtime_error("unknown category in entries");
        e.meta.category = c;
    }
    e.meta.audience = parse_int_list(r(6));
    if (!r(7).is_null()) e.meta.subject = r(7).as<int>();
    e.meta.signal = r(8).as<bool>();
    e.meta.signal_audience = parse_int_list(r(9));
    e.persons = parse_text_list(r(10));
    // Milliseconds since 1970, formatted here: to_char in the query was about 40 % of
    // PostgreSQL's time for a page of 2 000 entries. The writer stores whole milliseconds,
    // which the float of date_part holds exactly once rounded.
    e.at = format_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(r(11).as<std::int64_t>())));
    e.body = r(12).as<std::string>();
    if (!r(13).is_null()) e.signal_body = r(13).as<std::string>();
    return e;
}

std::vector<rooms::StoredEntry> load_entries(pqxx::transaction_base& tx, std::int64_t room, std::int64_t after,
                                             std::int64_t up_to, std::int64_t limit) {
    // Positions are dense (the writer appends head + 1; entries are never deleted), so the
    // page is exactly the positions after + 1 .. after + limit. Saying so bounds the plan too:
    // with statistics from when the room was small, PostgreSQL otherwise fetched and sorted
    // (on disk) the whole rest of the room for every page: 44 ms instead of 4 for a page of
    // 2 000 in a room of 10 000 (EXPLAIN ANALYZE, before autovacuum's first analyze).
    up_to = std::min(up_to, after + limit);
    auto rows = tx.exec_params(std::string("SELECT ") + entry_columns +
                                   " FROM entries e WHERE e.room_id = $1 AND e.seq > $2 AND e.seq <= $3 ORDER BY e.seq"
                                   " LIMIT $4",
                               room, after, up_to, limit);
    std::vector<rooms::StoredEntry> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(entry_of(r, room));
    return out;
}

std::map<std::int64_t, std::vector<rooms::StoredEntry>> load_notices(pqxx::transaction_base& tx,
                                                                     const std::vector<int>& organisations,
                                                                     std::chrono::system_clock::time_point since,
                                                                     std::int64_t limit) {
    std::vector<std::string> orgs;
    for (int org : organisations) orgs.push_back(std::to_string(org));
    const auto since_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(since.time_since_epoch()).count();
    // The kinds as the index entries_notices names them, so that the index serves.
    auto rows = tx.exec_params(std::string("SELECT e.room_id, ") + entry_columns +
                                   " FROM entries e WHERE e.kind IN ('member.invited', 'member.removed')"
                                   " AND e.subject_org = ANY ($1::integer[]) AND e.at >= to_timestamp($2 / 1000.0)"
                                   " ORDER BY e.room_id, e.seq LIMIT $3",
                               array_literal(orgs), since_ms, limit);
    std::map<std::int64_t, std::vector<rooms::StoredEntry>> by_room;
    for (const auto& r : rows) {
        auto room = r[0].as<std::int64_t>();
        by_room[room].push_back(entry_of(r, room));
    }
    return by_room;
}

void insert_entries(WriteScript& script, const std::vector<rooms::StoredEntry>& entries) {
    if (entries.empty()) return;
    json::array rows;
    rows.reserve(entries.size());
    for (const auto& e : entries) {
        json::array persons;
        for (const auto& p : e.persons) persons.emplace_back(p);
        rows.push_back(json::object{
            {"room_id", e.room},
            {"seq", e.seq},
            {"kind", e.kind},
            {"item_id", e.meta.item.empty() ? json::value(nullptr) : json::value(e.meta.item)},
            {"version", e.version},
            {"author_org", e.meta.author},
            {"category", e.meta.category ? json::value(protocol::to_string(*e.meta.category)) : json::value(nullptr)},
            {"audience", int_list(e.meta.audience)},
            {"subject_org", e.meta.subject ? json::value(*e.meta.subject) : json::value(nullptr)},
            {"signal", e.meta.signal},
            {"signal_audience", int_list(e.meta.signal_audience)},
            {"persons", std::move(persons)},
            {"at", e.at},
            {"body", e.body},
            {"signal_body", e.signal_body.empty() ? json::value(nullptr) : json::value(e.signal_body)},
        });
    }
    script.add(insert_entries_statement, json::serialize(rows));
}

void save_rooms(WriteScript& script, const std::vector<const rooms::Room*>& list) {
    if (list.empty()) return;
    json::array rows;
    for (const auto* r : list) {
        rows.push_back(json::object{
            {"id", r->id},
            {"public_id", r->public_id},
            {"kind", protocol::to_string(r->kind)},
            {"case_ref", r->case_ref},
            {"title", r->title ? json::value(*r->title) : json::value(nullptr)},
            {"state", protocol::to_string(r->state)},
            {"head_seq", r->head},
            {"chair_org", r->chair},
            {"regisseur_org", r->regisseur},
            {"parent", r->parent ? json::value(*r->parent) : json::value(nullptr)},
            {"opened_at", r->opened_at},
            {"closed_at", r->closed_at ? json::value(*r->closed_at) : json::value(nullptr)},
        });
    }
    script.add(save_rooms_statement, json::serialize(rows));
}

void save_members(WriteScript& script, const std::vector<const rooms::Room*>& list) {
    if (list.empty()) return;
    json::array rows;
    for (const auto* r : list)
        for (const auto& [org, m] : r->members)
            rows.push_back(json::object{{"room_id", r->id},
                                        {"org_id", org},
                                        {"role", protocol::to_string(m.role)},
                                        {"status", rooms::to_string(m.status)}});
    script.add(save_members_statement, json::serialize(rows));
}

void save_items(WriteScript& script, const std::vector<std::pair<const rooms::Room*, const rooms::Item*>>& items) {
    json::array decisions, checkpoints;
    for (const auto& [room, item] : items) {
        if (item->kind == rooms::ItemKind::decision)
            decisions.push_back(json::object{{"item_id", item->id},
                                             {"room_id", room->id},
                                             {"seq", item->seq},
                                             {"owner_org", item->owner},
                                             {"due", item->due},
                                             {"done", item->done || item->redacted}});
        if (item->kind == rooms::ItemKind::plan_agreement)
            for (const auto& [date, held] : item->checkpoints)
                checkpoints.push_back(json::object{{"item_id", item->id},
                                                   {"due", date},
                                                   {"room_id", room->id},
                                                   {"seq", item->seq},
                                                   {"owner_org", item->owner},
                                                   {"held", held ? json::value(*held) : json::value(nullptr)}});
    }
    if (!decisions.empty())
        script.add(save_decisions_statement, json::serialize(decisions));
    if (!checkpoints.empty())
        script.add(save_checkpoints_statement, json::serialize(checkpoints));
}

void save_grants(WriteScript& script, const std::vector<std::pair<const rooms::Room*, const rooms::Item*>>& items) {
    json::array rows, in_force;
    for (const auto& [r, item] : items) {
        json::array orgs;
        if (auto g = r->grants.find(item->id); g != r->grants.end())
            for (const auto& [org, request] : g->second) {
                rows.push_back(json::object{{"room_id", r->id}, {"item_id", item->id}, {"org_id", org},
                                            {"request_id", request}, {"withdrawn", false}});
                orgs.push_back(org);
            }
        in_force.push_back(json::object{{"item_id", item->id}, {"orgs", std::move(orgs)}});
    }
    if (!rows.empty())
        script.add(save_grants_statement, json::serialize(rows));
    if (!in_force.empty()) script.add(withdraw_grants_statement, json::serialize(in_force));
}

void strip_content(json::object& data) {
    // Emptied rather than removed where the field is required, so the entry still decodes.
    for (const char* key : {"text", "question", "summary", "note", "reason", "pseudonym"})
        if (auto* v = data.if_contains(key); v && v->is_string()) *v = "";
    if (auto* v = data.if_contains("persons")) *v = json::array();
    if (auto* v = data.if_contains("identifiers")) *v = json::object();
    if (auto* v = data.if_contains("original")) *v = json::object();
    if (auto* v = data.if_contains("person"); v && v->is_object()) v->as_object()["pseudonym"] = "";
    for (const char* key : {"attachments", "disclosed", "title"}) data.erase(key);
}

void redact_entries(pqxx::transaction_base& tx, std::int64_t room, const std::string& item) {
    auto rows = tx.exec_params("SELECT seq, body FROM entries WHERE room_id = $1 AND item_id = $2::uuid"
                               " AND kind <> 'item.redacted'",
                               room, item);
    for (const auto& r : rows) {
        auto body = json::parse(r[1].c_str()).as_object();
        strip_content(body["data"].as_object());
        body["redacted"] = true;
        tx.exec_params("UPDATE entries SET body = $3 WHERE room_id = $1 AND seq = $2", room, r[0].as<std::int64_t>(),
                       json::serialize(body));
    }
}

void notify_rooms(WriteScript& script, const std::vector<RoomRange>& ranges, const std::string& node) {
    if (ranges.empty()) return;
    json::array list;
    for (const auto& r : ranges)
        list.emplace_back(std::to_string(r.room) + ":" + std::to_string(r.first) + ":" + std::to_string(r.head) + ":" + node);
    script.add(notify_rooms_statement, json::serialize(list));
}

void insert_replies(WriteScript& script, const std::vector<NewReply>& replies) {
    if (replies.empty()) return;
    json::array rows;
    for (const auto& r : replies)
        rows.push_back(json::object{
            {"org_id", r.org}, {"client_id", r.client_id}, {"request_hash", r.request_hash}, {"reply", r.reply}});
    script.add(insert_replies_statement, json::serialize(rows));
}

}  // namespace kamer::server::store
