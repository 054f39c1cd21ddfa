// Reading rooms: listings, a room's detail, history and export, the safety plan. Every item
// that leaves through here passes the need-to-know gate and is logged before it is sent.
#include <algorithm>

#include "delivery/gate.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "net/session.hpp"
#include "rooms/handlers.hpp"
#include "rooms/load.hpp"
#include "store/room_store.hpp"
#include "store/room_views.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;

namespace {

// Runs `job` on a reader with a read-only transaction; database trouble becomes `unavailable`.
template <class Job>
void read(RoomServices& s, std::shared_ptr<net::Responder> reply, Job job) {
    bool posted = s.readers.post([reply, job = std::move(job)](pqxx::connection* db) mutable {
        if (!db) return reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
        try {
            pqxx::read_transaction tx(*db);
            job(tx);
        } catch (const pqxx::broken_connection&) {
            reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
            throw;
        } catch (const std::exception&) {
            reply->fail(ErrorCode::internal, "the request could not be completed");
        }
    });
    if (!posted) reply->fail(ErrorCode::unavailable, "the server is overloaded; try again shortly");
}

delivery::Recipient recipient_of(const net::Session& session, const std::optional<protocol::Actor>& actor) {
    const auto& org = session.peer().organisation;
    const auto& a = session.actor_for(actor);
    return {org.id, org.oin, a ? std::string(a->id) : "", a && a->acting_for ? std::string(*a->acting_for) : ""};
}

std::string not_member(const std::string& room) { return "no room " + room + " of which you are a member"; }

// Logs the batch, then answers with `encoded` (or `unavailable` if it cannot be logged).
void send_logged(RoomServices& s, std::shared_ptr<net::Responder> reply, audit::Batch batch, std::string encoded) {
    batch.done = [reply, encoded = std::move(encoded)](bool committed) mutable {
        if (committed)
            reply->reply_encoded(std::move(encoded));
        else
            reply->fail(ErrorCode::unavailable, "the disclosure could not be logged; try again");
    };
    if (!s.log.submit(std::move(batch))) reply->fail(ErrorCode::unavailable, "the server is overloaded; try again");
}

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
            std::string encoded = "{\"type\":\"history\"";
            if (reply->re()) encoded += ",\"re\":\"" + *reply->re() + "\"";  // a Token: nothing to escape
            encoded += ",\"body\":" + body + "}";
            if (batch.records.empty()) return reply->reply_encoded(std::move(encoded));
            send_logged(s, reply, std::move(batch), std::move(encoded));
        });
    });
}

}  // namespace

void register_queries(net::Router& router, RoomServices& s) {
    add_page<protocol::History>(router, s, "history");
    add_page<protocol::RoomExport>(router, s, "export");
}

}  // namespace kamer::server::rooms
