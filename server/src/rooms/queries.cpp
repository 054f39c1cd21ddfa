// Reading rooms: listings, a room's detail, history and export, the safety plan. Every item
// that leaves through here passes the need-to-know gate and is logged before it is sent.
#include <algorithm>

#include "delivery/gate.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "net/session.hpp"
#include "rooms/handlers.hpp"
#include "rooms/load.hpp"
#include "rooms/plan_state.hpp"
#include "rooms/read_support.hpp"
#include "store/room_store.hpp"
#include "store/room_views.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;

namespace {

// history and room.export: one page of what the caller may see, scanning past hidden entries
// so that a page never ends on (and so never points at) an entry the caller may not see.
template <class Req>
void add_page(net::Router& router, RoomServices& s, const char* how) {
    router.add<Req>([&s, how](const net::SessionPtr& session, Req r, const std::optional<protocol::Actor>& actor,
                              net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r, how](pqxx::read_transaction& tx) {
            auto view = store::load_room_view(tx, r.room);
            auto m = view ? view->policy.members.find(to.org) : decltype(view->policy.members.end()){};
            if (!view || m == view->policy.members.end() || !m->second.active)
                return reply->fail({ErrorCode::not_found, "body.room", not_member(r.room)});
            std::int64_t position = 0;
            if (r.after) {
                auto seq = s.cursors.decode(view->id, *r.after);
                if (!seq || *seq > view->head)
                    return reply->fail({ErrorCode::invalid_value, "body.after", "not a position in this room"});
                position = *seq;
            }
            const std::size_t limit = r.limit ? static_cast<std::size_t>(r.limit->value) : 100;
            auto agreement = s.agreement();
            audit::Batch batch{view->id, view->public_id, how, "case-consultation", {}, {}};
            // Chunks of scanned entries: moving a chunk keeps its elements where they are, so
            // the pointers the gate returns stay valid.
            std::vector<std::vector<StoredEntry>> chunks;
            std::vector<delivery::Disclosed> shown;
            bool more = false;
            while (position < view->head && !more) {
                chunks.push_back(store::load_entries(tx, view->id, position, view->head, 500));
                if (chunks.back().empty()) break;
                position = chunks.back().back().seq;
                for (const auto& d : delivery::disclose(*agreement, view->policy, chunks.back(), to, batch)) {
                    shown.push_back(d);
                    if (shown.size() == limit) {
                        // Decisions about entries after the last one returned were not emitted.
                        auto last = d.entry->seq;
                        std::erase_if(batch.records, [&](const auto& rec) { return rec.entry > last; });
                        more = last < view->head;
                        break;
                    }
                }
            }
            std::string body = "{\"room\":\"" + view->public_id + "\",\"events\":" +
                               delivery::events_array(s.cursors, view->id, shown);
            if (more && !shown.empty()) body += ",\"next\":\"" + s.cursors.encode(view->id, shown.back().entry->seq) + "\"";
            body += "}";
            auto encoded = encode_reply("history", reply->re(), body);
            std::vector<audit::Batch> batches;
            batches.push_back(std::move(batch));
            reply_logged(s, reply, std::move(batches), std::move(encoded));
        });
    });
}

bool visible(const policy::Agreement& agreement, const policy::PolicyRoom& view, const Item& item, int org) {
    return policy::decide(agreement, view, item.meta, org).view == policy::View::full;
}

protocol::RoomSummary summary_of(const Room& room, const policy::PolicyRoom& view, const policy::Agreement& agreement,
                                 const identity::PartnerRegistry& registry, int org) {
    protocol::RoomSummary s;
    s.room = room.public_id;
    s.kind = room.kind;
    s.case_ref = room.case_ref;
    if (room.title) s.title = *room.title;
    s.state = room.state;
    auto m = room.members.find(org);
    s.my_role = m->second.role;
    s.my_status = std::string(to_string(m->second.status));
    if (auto r = registry.find(room.regisseur)) s.regisseur = r->oin;
    std::int64_t open = 0;
    for (const auto& [id, item] : room.items)
        if (item.kind == ItemKind::decision && !item.done && !item.redacted && visible(agreement, view, item, org)) ++open;
    s.open_decisions = open;
    s.opened_at = room.opened_at;
    return s;
}

// room.get: the room's structure (members, persons, meetings) and, for an invited
// organisation deciding whether to accept, only its summary and members.
void add_room_get(net::Router& router, RoomServices& s) {
    router.add<protocol::RoomGet>([&s](const net::SessionPtr& session, protocol::RoomGet r,
                                       const std::optional<protocol::Actor>&, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        int org = session->peer().organisation.id;
        read(s, reply, [&s, reply, org, r](pqxx::read_transaction& tx) {
            auto room = load_room(tx, r.room, s.registry);
            auto m = room ? room->members.find(org) : decltype(room->members.end()){};
            if (!room || m == room->members.end() ||
                (m->second.status != MemberStatus::active && m->second.status != MemberStatus::invited))
                return reply->fail({ErrorCode::not_found, "body.room", not_member(r.room)});
            auto agreement = s.agreement();
            auto view = policy_view(*room, s.registry);
            protocol::RoomDetail d;
            d.summary = summary_of(*room, view, *agreement, s.registry, org);
            for (const auto& [id, member] : room->members) {
                if (member.status != MemberStatus::active && member.status != MemberStatus::invited) continue;
                auto o = s.registry.find(id);
                d.members.push_back({{o->oin, o->name, o->sector}, member.role, std::string(to_string(member.status)),
                                     room->regisseur == id});
            }
            if (m->second.status == MemberStatus::active) {
                d.persons.assign(room->persons.begin(), room->persons.end());
                for (const auto& [id, meeting] : room->meetings) {
                    protocol::MeetingSummary ms;
                    ms.meeting = id;
                    ms.at = meeting.at;
                    if (meeting.title) ms.title = *meeting.title;
                    ms.status = meeting.status == MeetingStatus::scheduled ? "scheduled"
                                : meeting.status == MeetingStatus::started ? "started"
                                                                           : "closed";
                    ms.agenda.assign(meeting.agenda.begin(), meeting.agenda.end());
                    for (const auto& [who, presence] : meeting.attendance) {
                        auto o = s.registry.find(who);
                        ms.attendance.push_back({id, {o->oin, o->name, o->sector}, presence});
                    }
                    d.meetings.push_back(std::move(ms));
                }
                if (!room->analysis.empty()) d.analysis_version = room->items.at(room->analysis).version;
                if (room->parent) d.parent = *room->parent;
                d.handed_over_to.assign(room->handed_over_to.begin(), room->handed_over_to.end());
            }
            reply->ok(d);
        });
    });
}

// room.list: the organisation's rooms (member or invited), paged by an opaque cursor.
void add_room_list(net::Router& router, RoomServices& s) {
    router.add<protocol::RoomList>([&s](const net::SessionPtr& session, protocol::RoomList r,
                                        const std::optional<protocol::Actor>&, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        int org = session->peer().organisation.id;
        read(s, reply, [&s, reply, org, r](pqxx::read_transaction& tx) {
            std::int64_t after = 0;
            if (r.page && r.page->after) {
                auto id = s.cursors.decode(0, *r.page->after);
                if (!id) return reply->fail({ErrorCode::invalid_value, "body.page.after", "not a page of this listing"});
                after = *id;
            }
            std::int64_t limit = r.page && r.page->limit ? r.page->limit->value : 50;
            auto rows = tx.exec_params(
                "SELECT r.public_id::text, r.id FROM members m JOIN rooms r ON r.id = m.room_id"
                " WHERE m.org_id = $1 AND m.status IN ('invited', 'active') AND r.purged_at IS NULL"
                " AND r.id > $2 AND ($3::text IS NULL OR r.state = $3) ORDER BY r.id LIMIT $4",
                org, after, r.state ? std::optional<std::string>(std::string(protocol::to_string(*r.state))) : std::nullopt,
                limit + 1);
            auto agreement = s.agreement();
            protocol::RoomPage page;
            for (std::size_t i = 0; i < rows.size() && static_cast<std::int64_t>(i) < limit; ++i) {
                auto room = load_room(tx, rows[i][0].as<std::string>(), s.registry);
                if (!room) continue;
                page.rooms.push_back(summary_of(*room, policy_view(*room, s.registry), *agreement, s.registry, org));
            }
            if (static_cast<std::int64_t>(rows.size()) > limit)
                page.next = s.cursors.encode(0, rows[static_cast<std::size_t>(limit) - 1][1].as<std::int64_t>());
            reply->ok(page);
        });
    });
}

// plan.get: the safety plan at a glance, as far as the organisation may see its agreements.
void add_plan_get(net::Router& router, RoomServices& s) {
    router.add<protocol::PlanGet>([&s](const net::SessionPtr& session, protocol::PlanGet r,
                                       const std::optional<protocol::Actor>& actor, net::Responder responder) {
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r](pqxx::read_transaction& tx) {
            auto room = load_room(tx, r.room, s.registry);
            if (!room || !room->active_member(to.org)) return reply->fail({ErrorCode::not_found, "body.room", not_member(r.room)});
            auto agreement = s.agreement();
            auto view = policy_view(*room, s.registry);
            auto today_date = today();
            audit::Batch batch{room->id, room->public_id, "listing", "case-consultation", {}, {}};
            protocol::Plan plan;
            plan.room = room->public_id;
            std::vector<const Item*> agreements;
            for (const auto& [id, item] : room->items)
                if (item.kind == ItemKind::plan_agreement && !item.redacted) agreements.push_back(&item);
            std::sort(agreements.begin(), agreements.end(), [](auto* a, auto* b) { return a->seq < b->seq; });
            std::int64_t on_track = 0, attention = 0, broken = 0;
            for (const Item* item : agreements) {
                StoredEntry as_entry;
                as_entry.seq = item->seq;
                as_entry.kind = item->entry_kind;
                as_entry.meta = item->meta;
                as_entry.persons = item->persons;
                if (delivery::disclose(*agreement, view, {&as_entry, 1}, to, batch, delivery::Shows::full_only).empty())
                    continue;
                protocol::PlanAgreementState a;
                a.agreement = item->id;
                if (auto* t = item->content.if_contains("text")) a.text = std::string(t->as_string());
                if (auto o = s.registry.find(item->owner)) a.owner = {o->oin, o->name, o->sector};
                a.category = item->meta.category.value_or(protocol::Category::general);
                a.status = agreement_status(*item, today_date);
                for (const auto& [date, held] : item->checkpoints) {
                    protocol::CheckpointState c;
                    c.date = date;
                    c.status = checkpoint_status(date, held, today_date);
                    if (auto n = item->checkpoint_notes.find(date); n != item->checkpoint_notes.end()) c.note = n->second;
                    if (c.status == protocol::CheckpointStatus::pending || c.status == protocol::CheckpointStatus::due)
                        if (!plan.next_checkpoint || date < *plan.next_checkpoint) plan.next_checkpoint = date;
                    a.checkpoints.push_back(std::move(c));
                }
                (a.status == protocol::AgreementStatus::broken      ? broken
                 : a.status == protocol::AgreementStatus::attention ? attention
                                                                     : on_track)++;
                plan.agreements.push_back(std::move(a));
            }
            plan.on_track = on_track;
            plan.attention = attention;
            plan.broken = broken;
            std::vector<audit::Batch> batches;
            batches.push_back(std::move(batch));
            reply_logged(s, reply, std::move(batches),
                         encode_reply("plan", reply->re(), boost::json::serialize(protocol::encode_value(plan))));
        });
    });
}

}  // namespace

void register_queries(net::Router& router, RoomServices& s) {
    add_page<protocol::History>(router, s, "history");
    add_page<protocol::RoomExport>(router, s, "export");
    add_room_get(router, s);
    add_room_list(router, s);
    add_plan_get(router, s);
}

}  // namespace kamer::server::rooms
