// Lists across rooms (open decisions, checkpoints due) and search. Candidates come from the
// projections; each one passes the need-to-know policy; pages end on a visible item only.
#include <boost/json.hpp>
#include <map>

#include "kamer/protocol/messages/queries.hpp"
#include "rooms/handlers.hpp"
#include "rooms/plan_state.hpp"
#include "rooms/read_support.hpp"
#include "store/room_store.hpp"
#include "store/room_views.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
namespace json = boost::json;

namespace {

// Room views of one request, read once each.
class Views {
public:
    explicit Views(pqxx::transaction_base& tx) : tx_(tx) {}
    const store::RoomView& of(std::int64_t room) {
        auto it = views_.find(room);
        if (it == views_.end()) it = views_.emplace(room, *store::load_room_view(tx_, room)).first;
        return it->second;
    }

private:
    pqxx::transaction_base& tx_;
    std::map<std::int64_t, store::RoomView> views_;
};

// Page positions "<date><uuid>" in digits and hex only (they name visible items only).
std::string page_key(const std::string& date, const std::string& item) {
    std::string out;
    for (char c : date + item)
        if (c != '-') out += c;
    return out;
}
std::optional<std::pair<std::string, std::string>> parse_page_key(const std::string& key) {
    if (key.size() != 8 + 32) return std::nullopt;
    std::string date = key.substr(0, 4) + "-" + key.substr(4, 2) + "-" + key.substr(6, 2);
    std::string h = key.substr(8);
    std::string uuid = h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
    if (!protocol::tags::Date::valid(date) || !protocol::tags::Uuid::valid(uuid)) return std::nullopt;
    return std::make_pair(date, uuid);
}

struct Page {
    std::optional<std::pair<std::string, std::string>> after;
    std::int64_t limit;
};

std::optional<Page> page_of(const std::optional<protocol::Page>& p, const std::shared_ptr<net::Responder>& reply) {
    Page out{std::nullopt, p && p->limit ? p->limit->value : 50};
    if (p && p->after) {
        out.after = parse_page_key(*p->after);
        if (!out.after) {
            reply->fail({ErrorCode::invalid_value, "body.page.after", "not a page of this listing"});
            return std::nullopt;
        }
    }
    return out;
}

protocol::OrganisationRef ref(const identity::PartnerRegistry& registry, int org) {
    auto o = registry.find(org);
    return o ? protocol::OrganisationRef{o->oin, o->name, o->sector} : protocol::OrganisationRef{};
}

void add_decisions(net::Router& router, RoomServices& s) {
    router.add<protocol::DecisionList>([&s](const net::SessionPtr& session, protocol::DecisionList r,
                                            const std::optional<protocol::Actor>& actor, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r](pqxx::read_transaction& tx) {
            auto page = page_of(r.page, reply);
            if (!page) return;
            const std::string now = today();
            std::string status = r.status ? std::string(protocol::to_string(*r.status)) : "not-done";
            auto agreement = s.agreement();
            Views views(tx);
            std::map<std::int64_t, audit::Batch> batches;
            protocol::DecisionPage out;
            auto after = page->after.value_or(std::make_pair(std::string("0001-01-01"), std::string("00000000-0000-0000-0000-000000000000")));
            bool more = false;
            while (!more) {
                auto rows = tx.exec_params(
                    std::string("SELECT d.item_id::text AS decision, d.due::text AS due, d.done, d.owner_org, d.room_id,"
                                " r.public_id::text AS room, r.case_ref,") + store::entry_columns +
                        " FROM decisions d"
                        " JOIN members m ON m.room_id = d.room_id AND m.org_id = $1 AND m.status = 'active'"
                        " JOIN rooms r ON r.id = d.room_id AND r.purged_at IS NULL"
                        " JOIN entries e ON e.room_id = d.room_id AND e.seq = d.seq"
                        " WHERE (d.due, d.item_id) > ($2::date, $3::uuid)"
                        " AND CASE $4 WHEN 'open' THEN NOT d.done AND d.due >= $5::date"
                        "            WHEN 'overdue' THEN NOT d.done AND d.due < $5::date"
                        "            WHEN 'done' THEN d.done ELSE NOT d.done END"
                        " AND ($6 IS NOT TRUE OR d.owner_org = $1)"
                        " ORDER BY d.due, d.item_id LIMIT 200",
                    to.org, after.first, after.second, status, now, r.owned.value_or(false));
                if (rows.empty()) break;
                for (const auto& row : rows) {
                    after = {row["due"].as<std::string>(), row["decision"].as<std::string>()};
                    auto room = row["room_id"].as<std::int64_t>();
                    auto e = store::entry_of(row, room);
                    const auto& view = views.of(room);
                    auto& batch = batches.try_emplace(room, audit::Batch{room, view.public_id, "listing", "case-consultation", {}, {}})
                                      .first->second;
                    if (json::parse(e.body).as_object().contains("redacted")) continue;  // nothing left to show
                    if (delivery::disclose(*agreement, view.policy, {&e, 1}, to, batch, delivery::Shows::full_only).empty())
                        continue;
                    protocol::DecisionSummary ds;
                    ds.room = view.public_id;
                    ds.case_ref = row["case_ref"].as<std::string>();
                    ds.decision = e.meta.item;
                    ds.text = current_text(tx, room, e.meta.item, e.body);
                    ds.owner = ref(s.registry, row["owner_org"].as<int>());
                    ds.due = row["due"].as<std::string>();
                    ds.status = row["done"].as<bool>()        ? protocol::DecisionStatus::done
                                : ds.due < now ? protocol::DecisionStatus::overdue
                                                              : protocol::DecisionStatus::open;
                    ds.category = e.meta.category.value_or(protocol::Category::general);
                    out.decisions.push_back(std::move(ds));
                    if (static_cast<std::int64_t>(out.decisions.size()) == page->limit) {
                        more = true;
                        break;
                    }
                }
                if (rows.size() < 200) break;
            }
            if (more) out.next = page_key(out.decisions.back().due, out.decisions.back().decision);
            std::vector<audit::Batch> list;
            for (auto& [room, b] : batches) list.push_back(std::move(b));
            reply_logged(s, reply, std::move(list),
                         encode_reply("decisions", reply->re(), json::serialize(protocol::encode_value(out))));
        });
    });
}

void add_checkpoints(net::Router& router, RoomServices& s) {
    router.add<protocol::CheckpointsDue>([&s](const net::SessionPtr& session, protocol::CheckpointsDue r,
                                              const std::optional<protocol::Actor>& actor, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r](pqxx::read_transaction& tx) {
            auto page = page_of(r.page, reply);
            if (!page) return;
            const std::string now = today();
            std::string from = r.from ? std::string(*r.from) : now;
            std::string until = r.to ? std::string(*r.to)
                                     : tx.exec_params1("SELECT ($1::date + 6)::text", now)[0].as<std::string>();
            auto agreement = s.agreement();
            Views views(tx);
            std::map<std::int64_t, audit::Batch> batches;
            protocol::CheckpointPage out;
            auto after = page->after.value_or(std::make_pair(std::string("0001-01-01"), std::string("00000000-0000-0000-0000-000000000000")));
            bool more = false;
            while (!more) {
                auto rows = tx.exec_params(
                    std::string("SELECT c.item_id::text AS agreement, c.due::text AS due, c.owner_org, c.room_id,"
                                " r.public_id::text AS room, r.case_ref,") + store::entry_columns +
                        " FROM checkpoints c"
                        " JOIN members m ON m.room_id = c.room_id AND m.org_id = $1 AND m.status = 'active'"
                        " JOIN rooms r ON r.id = c.room_id AND r.purged_at IS NULL AND r.state <> 'closed'"
                        " JOIN entries e ON e.room_id = c.room_id AND e.seq = c.seq"
                        " WHERE c.held IS NULL AND c.due BETWEEN $2::date AND $3::date"
                        " AND (c.due, c.item_id) > ($4::date, $5::uuid)"
                        " ORDER BY c.due, c.item_id LIMIT 200",
                    to.org, from, until, after.first, after.second);
                if (rows.empty()) break;
                for (const auto& row : rows) {
                    after = {row["due"].as<std::string>(), row["agreement"].as<std::string>()};
                    auto room = row["room_id"].as<std::int64_t>();
                    auto e = store::entry_of(row, room);
                    if (json::parse(e.body).as_object().contains("redacted")) continue;
                    const auto& view = views.of(room);
                    auto& batch = batches.try_emplace(room, audit::Batch{room, view.public_id, "listing", "case-consultation", {}, {}})
                                      .first->second;
                    if (delivery::disclose(*agreement, view.policy, {&e, 1}, to, batch, delivery::Shows::full_only).empty())
                        continue;
                    protocol::CheckpointSummary c;
                    c.room = view.public_id;
                    c.case_ref = row["case_ref"].as<std::string>();
                    c.agreement = e.meta.item;
                    c.text = current_text(tx, room, e.meta.item, e.body);
                    c.owner = ref(s.registry, row["owner_org"].as<int>());
                    c.date = row["due"].as<std::string>();
                    c.status = checkpoint_status(c.date, std::nullopt, now);
                    out.checkpoints.push_back(std::move(c));
                    if (static_cast<std::int64_t>(out.checkpoints.size()) == page->limit) {
                        more = true;
                        break;
                    }
                }
                if (rows.size() < 200) break;
            }
            if (more) out.next = page_key(out.checkpoints.back().date, out.checkpoints.back().agreement);
            std::vector<audit::Batch> list;
            for (auto& [room, b] : batches) list.push_back(std::move(b));
            reply_logged(s, reply, std::move(list),
                         encode_reply("checkpoints", reply->re(), json::serialize(protocol::encode_value(out))));
        });
    });
}

std::string like_pattern(const std::string& query) {
    std::string out = "%";
    for (char c : query) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
    }
    return out + "%";
}

// Only full views are returned: returning a signal because hidden content matched would tell
// the searcher what the hidden item says.
void add_search(net::Router& router, RoomServices& s) {
    router.add<protocol::Search>([&s](const net::SessionPtr& session, protocol::Search r,
                                      const std::optional<protocol::Actor>& actor, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r](pqxx::read_transaction& tx) {
            if (r.query.size() < 2) return reply->fail({ErrorCode::invalid_value, "body.query", "search for at least 2 characters"});
            std::size_t limit = r.limit ? static_cast<std::size_t>(r.limit->value) : 50;
            auto rows = tx.exec_params(
                "SELECT e.room_id, e.seq FROM entries e"
                " JOIN members m ON m.room_id = e.room_id AND m.org_id = $1 AND m.status = 'active'"
                " JOIN rooms r ON r.id = e.room_id AND r.purged_at IS NULL"
                " WHERE e.item_id IS NOT NULL AND ($3::uuid IS NULL OR r.public_id = $3::uuid)"
                " AND coalesce(e.body::jsonb #>> '{data,text}', e.body::jsonb #>> '{data,original,text}', '') ILIKE $2"
                " ORDER BY e.room_id, e.seq LIMIT 2000",
                to.org, like_pattern(r.query), r.room ? std::optional<std::string>(*r.room) : std::nullopt);
            auto agreement = s.agreement();
            Views views(tx);
            std::map<std::int64_t, audit::Batch> batches;
            std::vector<StoredEntry> kept;
            kept.reserve(rows.size());
            std::vector<std::pair<std::int64_t, std::size_t>> shown;  // (room, index in kept)
            for (const auto& row : rows) {
                if (shown.size() == limit) break;
                auto room = row[0].as<std::int64_t>(), seq = row[1].as<std::int64_t>();
                auto entries = store::load_entries(tx, room, seq - 1, seq, 1);
                if (entries.empty()) continue;
                const auto& view = views.of(room);
                auto& batch = batches.try_emplace(room, audit::Batch{room, view.public_id, "search", "case-consultation", {}, {}})
                                  .first->second;
                if (delivery::disclose(*agreement, view.policy, {entries.data(), 1}, to, batch, delivery::Shows::full_only)
                        .empty())
                    continue;
                kept.push_back(std::move(entries[0]));
                shown.emplace_back(room, kept.size() - 1);
            }
            std::string body = "{\"hits\":[";
            for (std::size_t i = 0; i < shown.size(); ++i) {
                const auto& [room, index] = shown[i];
                if (i) body += ',';
                body += "{\"room\":\"" + views.of(room).public_id + "\",\"event\":{\"cursor\":\"" +
                        s.cursors.encode(room, kept[index].seq) + "\",\"entry\":" + kept[index].body + "}}";
            }
            body += "]}";
            std::vector<audit::Batch> list;
            for (auto& [room, b] : batches) list.push_back(std::move(b));
            reply_logged(s, reply, std::move(list), encode_reply("search", reply->re(), body));
        });
    });
}

}  // namespace

void register_lists(net::Router& router, RoomServices& s) {
    add_decisions(router, s);
    add_checkpoints(router, s);
    add_search(router, s);
}

}  // namespace kamer::server::rooms
