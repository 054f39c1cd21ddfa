#include "rooms/handlers.hpp"

#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/meetings.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "net/session.hpp"
#include "rooms/commands.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
namespace {

template <class T>
concept has_room = requires(const T& t) { t.room; };

// A change goes to the writer; its reply comes back once it is committed.
template <class Req>
void add_write(net::Router& router, RoomServices& s) {
    router.add<Req>([&s](const net::SessionPtr& session, Req request, const std::optional<protocol::Actor>& actor,
                         net::Responder responder) {
        WriteRequest w;
        w.caller = {session->peer().organisation, session->actor_for(actor)};
        w.client_id = responder.re();
        // The fingerprint that tells a retry (same request) from a reused id (another one).
        w.request_hash = sha256_hex(std::string(Req::type) + "\n" + boost::json::serialize(protocol::encode_value(request)));
        if constexpr (has_room<Req>) w.rooms = {request.room};
        auto reply = std::make_shared<net::Responder>(std::move(responder));
        w.respond = [reply](std::string encoded) { reply->reply_encoded(std::move(encoded)); };
        w.command = [request = std::move(request)](WriteContext& c) { return run(c, request); };
        if (!s.writer.submit(std::move(w)))
            reply->fail(protocol::ErrorCode::unavailable, "the server is overloaded; try again shortly");
    });
}

}  // namespace

void register_writes(net::Router& router, RoomServices& s) {
    add_write<protocol::RoomOpen>(router, s);
    add_write<protocol::RoomTransition>(router, s);
    add_write<protocol::PersonAdd>(router, s);
    add_write<protocol::PersonIdentify>(router, s);
    add_write<protocol::MemberInvite>(router, s);
    add_write<protocol::MemberAccept>(router, s);
    add_write<protocol::MemberDecline>(router, s);
    add_write<protocol::MemberRemove>(router, s);
    add_write<protocol::MemberLeave>(router, s);
    add_write<protocol::MemberSetRegisseur>(router, s);
    add_write<protocol::MeetingSchedule>(router, s);
    add_write<protocol::AgendaAdd>(router, s);
    add_write<protocol::MeetingStart>(router, s);
    add_write<protocol::MeetingClose>(router, s);
    add_write<protocol::AttendanceRecord>(router, s);
    add_write<protocol::ContributionPost>(router, s);
    add_write<protocol::DecisionRecord>(router, s);
    add_write<protocol::DecisionComplete>(router, s);
    add_write<protocol::AnalysisEdit>(router, s);
    add_write<protocol::PlanAgreementAdd>(router, s);
    add_write<protocol::CheckpointReport>(router, s);
    add_write<protocol::ItemCorrect>(router, s);
    add_write<protocol::ItemRedact>(router, s);
    add_write<protocol::AccessRequest>(router, s);
    add_write<protocol::AccessDecide>(router, s);
    add_write<protocol::AccessWithdraw>(router, s);
    add_write<protocol::RoomEscalate>(router, s);
    add_write<protocol::RoomDeescalate>(router, s);
    add_write<protocol::AdviceOpen>(router, s);
    add_write<protocol::AdviceAnswer>(router, s);
    add_write<protocol::AdviceReport>(router, s);

    router.add<protocol::Subscribe>([&s](const net::SessionPtr& session, protocol::Subscribe r,
                                         const std::optional<protocol::Actor>& actor, net::Responder responder) {
        s.hub.subscribe(session, session->actor_for(actor), r.room,
                        r.after ? std::optional<std::string>(*r.after) : std::nullopt, std::move(responder));
    });
    router.add<protocol::Unsubscribe>([&s](const net::SessionPtr& session, protocol::Unsubscribe r,
                                           const std::optional<protocol::Actor>&, net::Responder responder) {
        s.hub.unsubscribe(session->id(), r.room, std::move(responder));
    });
}

}  // namespace kamer::server::rooms
