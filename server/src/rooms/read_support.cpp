#include "rooms/read_support.hpp"

#include <atomic>
#include <boost/json.hpp>
#include <typeinfo>

#include "obs/log.hpp"
#include "store/database.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;

void read(RoomServices& s, std::shared_ptr<net::Responder> reply, std::function<void(pqxx::read_transaction&)> job) {
    bool posted = s.readers.post([reply, job = std::move(job)](pqxx::connection* db) {
        if (!db) return reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
        try {
            pqxx::read_transaction tx(*db);
            job(tx);
        } catch (const pqxx::broken_connection&) {
            reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
            throw;  // the pool replaces the connection
        } catch (const std::exception& e) {
            static auto logger = log::get("rooms");
            log::error(*logger, "read.failed", {{"reason", store::error_reason(e)}, {"type", typeid(e).name()}});
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

void reply_logged(RoomServices& s, std::shared_ptr<net::Responder> reply, std::vector<audit::Batch> batches,
                  std::string encoded) {
    std::erase_if(batches, [](const auto& b) { return b.records.empty(); });
    if (batches.empty()) return reply->reply_encoded(std::move(encoded));
    struct Waiting {
        std::atomic<std::size_t> left;
        std::atomic<bool> failed{false};
        std::string encoded;
    };
    auto waiting = std::make_shared<Waiting>();
    waiting->left = batches.size();
    waiting->encoded = std::move(encoded);
    for (auto& b : batches) {
        b.done = [reply, waiting](bool committed) {
            if (!committed) waiting->failed = true;
            if (--waiting->left > 0) return;
            if (waiting->failed)
                reply->fail(ErrorCode::unavailable, "the disclosure could not be logged; try again");
            else
                reply->reply_encoded(std::move(waiting->encoded));
        };
        if (!s.log.submit(std::move(b))) {
            // Not submitted: count it as failed here (its done will never run).
            waiting->failed = true;
            if (--waiting->left == 0) reply->fail(ErrorCode::unavailable, "the server is overloaded; try again");
        }
    }
}

std::string encode_reply(const char* type, const std::optional<std::string>& re, const std::string& body) {
    std::string out = "{\"type\":\"";
    out += type;
    out += '"';
    if (re) out += ",\"re\":\"" + *re + "\"";  // a Token: nothing to escape
    return out + ",\"body\":" + body + "}";
}

std::string current_text(pqxx::transaction_base& tx, std::int64_t room, const std::string& item,
                         const std::string& original_body) {
    auto rows = tx.exec_params("SELECT body FROM entries WHERE room_id = $1 AND item_id = $2::uuid"
                               " AND kind = 'item.corrected' ORDER BY seq DESC LIMIT 1",
                               room, item);
    auto body = boost::json::parse(rows.empty() ? original_body : rows[0][0].as<std::string>()).as_object();
    const auto& data = body.at("data").as_object();
    if (auto* t = data.if_contains("text"); t && t->is_string()) return std::string(t->get_string());
    // A handed-over item carries its text inside the original.
    if (auto* o = data.if_contains("original"); o && o->is_object())
        if (auto* t = o->as_object().if_contains("text"); t && t->is_string()) return std::string(t->get_string());
    return {};
}

std::string not_member(const std::string& room) { return "no room " + room + " of which you are a member"; }

}  // namespace kamer::server::rooms
