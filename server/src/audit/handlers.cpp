// Accountability over the protocol: the agreement, data-subject reports (AVG art. 15),
// verification of the disclosure log, and retention.
#include <boost/json.hpp>
#include <map>
#include <set>

#include "audit/disclosure_log.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "rooms/handlers.hpp"
#include "rooms/read_support.hpp"
#include "store/retention.hpp"
#include "store/room_store.hpp"
#include "store/room_views.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
namespace json = boost::json;

namespace {

bool is_privacy_officer(const net::Session& session, const std::optional<protocol::Actor>& actor) {
    const auto& a = session.actor_for(actor);
    return a && a->function && *a->function == "privacy-officer";
}

void add_agreement(net::Router& router, RoomServices& s) {
    router.add<protocol::AgreementGet>([&s](const net::SessionPtr&, protocol::AgreementGet,
                                            const std::optional<protocol::Actor>&, net::Responder responder) {
        auto a = s.agreement();
        responder.ok(protocol::AgreementDocument{a->version(), a->document()});
    });
}

void add_audit_verify(net::Router& router, RoomServices& s) {
    router.add<protocol::AuditVerify>([&s](const net::SessionPtr& session, protocol::AuditVerify,
                                           const std::optional<protocol::Actor>& actor, net::Responder responder) {
        if (!is_privacy_officer(*session, actor) && !session->peer().organisation.operator_role)
            return responder.fail(ErrorCode::forbidden, "verifying the disclosure log is for privacy officers and operators");
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        bool posted = s.readers.post([reply](pqxx::connection* db) {
            if (!db) return reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
            auto v = audit::verify(*db);
            protocol::AuditResult r;
            r.rows = static_cast<std::int64_t>(v.rows);
            r.records = static_cast<std::int64_t>(v.records);
            r.intact = v.intact;
            if (v.first_broken) r.first_broken = *v.first_broken;
            if (!v.problem.empty()) r.problem = v.problem;
            r.head_hash = v.head_hash.empty() ? std::string("none") : v.head_hash;
            reply->ok(r);
        });
        if (!posted) reply->fail(ErrorCode::unavailable, "the server is overloaded; try again shortly");
    });
}

void add_retention(net::Router& router, RoomServices& s) {
    router.add<protocol::RetentionRun>([&s](const net::SessionPtr& session, protocol::RetentionRun r,
                                            const std::optional<protocol::Actor>&, net::Responder responder) {
        if (!session->peer().organisation.operator_role)
            return responder.fail(ErrorCode::forbidden, "retention is run by the operator");
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto agreement = s.agreement();
        bool posted = s.readers.post([reply, agreement, dry_run = r.dry_run](pqxx::connection* db) {
            if (!db) return reply->fail(ErrorCode::unavailable, "the database is not available; try again shortly");
            try {
                pqxx::work tx(*db);
                protocol::RetentionResult out;
                out.dry_run = dry_run;
                for (const auto& e : store::expired_rooms(tx, *agreement)) {
                    if (!dry_run) store::purge_room(tx, e);
                    out.rooms.push_back({e.public_id, e.kind, e.case_ref, e.closed_at, e.expired_on});
                }
                tx.commit();
                reply->ok(out);
            } catch (const std::exception&) {
                reply->fail(ErrorCode::unavailable, "retention could not run; try again");
            }
        });
        if (!posted) reply->fail(ErrorCode::unavailable, "the server is overloaded; try again shortly");
    });
}

// Which (room, person) pairs a report is about, as far as the organisation may know them.
std::vector<std::pair<std::int64_t, std::string>> subjects(pqxx::read_transaction& tx, RoomServices& s,
                                                           const protocol::SubjectReport& r, int org) {
    std::vector<std::pair<std::int64_t, std::string>> out;
    auto agreement = s.agreement();
    if (r.bsn) {
        auto rows = tx.exec_params(
            "SELECT e.room_id, e.seq FROM entries e"
            " JOIN members m ON m.room_id = e.room_id AND m.org_id = $1 AND m.status = 'active'"
            " WHERE e.kind = 'person.identified' AND e.body::jsonb #>> '{data,identifiers,bsn}' = $2",
            org, std::string(*r.bsn));
        for (const auto& row : rows) {
            auto room = row[0].as<std::int64_t>(), seq = row[1].as<std::int64_t>();
            auto view = store::load_room_view(tx, room);
            auto entries = store::load_entries(tx, room, seq - 1, seq, 1);
            // Only where the organisation may know who the person is.
            if (!view || entries.empty() ||
                policy::decide(*agreement, view->policy, entries[0].meta, org).view != policy::View::full)
                continue;
            auto ref = json::parse(entries[0].body).at("data").at("ref").as_string();
            out.emplace_back(room, std::string(ref));
        }
    } else if (r.room && r.person) {
        auto view = store::load_room_view(tx, *r.room);
        auto m = view ? view->policy.members.find(org) : decltype(view->policy.members.end()){};
        if (view && m != view->policy.members.end() && m->second.active) out.emplace_back(view->id, std::string(*r.person));
    }
    return out;
}

void add_subject_report(net::Router& router, RoomServices& s) {
    router.add<protocol::SubjectReport>([&s](const net::SessionPtr& session, protocol::SubjectReport r,
                                             const std::optional<protocol::Actor>& actor, net::Responder responder) {
        if (!is_privacy_officer(*session, actor))
            return responder.fail(ErrorCode::forbidden, "data-subject reports are for the organisation's privacy officer");
        if (!r.bsn && !(r.room && r.person))
            return responder.fail({ErrorCode::missing_field, "body", "name the person by bsn, or by room and person"});
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        auto to = recipient_of(*session, actor);
        read(s, reply, [&s, reply, to, r](pqxx::read_transaction& tx) {
            auto agreement = s.agreement();
            protocol::SubjectReportResult out;
            out.produced_at = format_timestamp(std::chrono::system_clock::now());
            std::vector<audit::Batch> batches;
            for (const auto& [room, ref] : subjects(tx, s, r, to.org)) {
                auto view = store::load_room_view(tx, room);
                auto case_ref = tx.exec_params1("SELECT case_ref FROM rooms WHERE id = $1", room)[0].as<std::string>();
                audit::Batch batch{room, view->public_id, "report", "subject-report", {}, {}};
                // The entries that created items about the person, that this organisation may see.
                std::map<std::string, std::size_t> index;  // item -> position in out.items
                std::int64_t at = 0;
                for (;;) {
                    auto entries = store::load_entries(tx, room, at, INT64_MAX, 2000);
                    if (entries.empty()) break;
                    at = entries.back().seq;
                    for (const auto& e : entries) {
                        if (e.meta.item.empty() || index.count(e.meta.item) ||
                            std::find(e.persons.begin(), e.persons.end(), ref) == e.persons.end())
                            continue;
                        if (delivery::disclose(*agreement, view->policy, {&e, 1}, to, batch, delivery::Shows::full_only)
                                .empty())
                            continue;
                        auto body = json::parse(e.body).as_object();
                        protocol::SubjectItem item;
                        item.room = view->public_id;
                        item.case_ref = case_ref;
                        item.item = e.meta.item;
                        item.kind = e.kind;
                        item.category = e.meta.category;
                        item.at = e.at;
                        item.author = protocol::Decoder(protocol::DecodeOptions{false}, "author")
                                          .decode<protocol::OrganisationRef>(body.at("author"));
                        index[e.meta.item] = out.items.size();
                        out.items.push_back(std::move(item));
                    }
                }
                // Who received each of them, from the disclosure log.
                for (const auto& row : tx.exec_params("SELECT to_char(at AT TIME ZONE 'UTC',"
                                                      " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), body FROM disclosures"
                                                      " WHERE room_id = $1 ORDER BY seq",
                                                      room)) {
                    auto body = json::parse(row[1].c_str()).as_object();
                    for (const auto& rec : body.at("records").as_array()) {
                        const auto& o = rec.as_object();
                        auto* i = o.if_contains("i");
                        if (!i || o.at("v").as_string() == "withheld") continue;
                        auto it = index.find(std::string(i->as_string()));
                        if (it == index.end()) continue;
                        protocol::Disclosure d;
                        d.organisation = std::string(o.at("o").as_string());
                        if (auto* a = o.if_contains("a")) d.actor = std::string(a->as_string());
                        d.at = row[0].as<std::string>();
                        d.how = std::string(body.at("how").as_string());
                        d.view = std::string(o.at("v").as_string());
                        d.basis = std::string(o.at("b").as_string());
                        out.items[it->second].disclosures.push_back(std::move(d));
                    }
                }
                batches.push_back(std::move(batch));
            }
            reply_logged(s, reply, std::move(batches),
                         encode_reply("subject-report", reply->re(), json::serialize(protocol::encode_value(out))));
        });
    });
}

}  // namespace

void register_accountability(net::Router& router, RoomServices& s) {
    add_agreement(router, s);
    add_audit_verify(router, s);
    add_retention(router, s);
    add_subject_report(router, s);
}

}  // namespace kamer::server::rooms
