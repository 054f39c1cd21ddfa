#pragma once
// What the request_bodies fuzzer checks: the server's handling of a message up to its
// handler. Any bytes are read as the server reads a message (strict envelope), and the body
// is then decoded as every request the server offers, as the router would for that type:
// - a refusal is a ProtocolError whose error reply the client can read (same code and re);
// - nothing else is thrown;
// - a body that decodes re-encodes into a body that decodes to the same request.
#include <tuple>

#include "decode_envelope_target.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/meetings.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace kamer::fuzz {

namespace request_detail {

namespace p = kamer::protocol;

using Requests = std::tuple<
    p::Hello, p::Ping, p::RoomOpen, p::RoomTransition, p::PersonAdd, p::PersonIdentify, p::MemberInvite,
    p::MemberAccept, p::MemberDecline, p::MemberRemove, p::MemberLeave, p::MemberSetRegisseur, p::Subscribe,
    p::Unsubscribe, p::History, p::RoomExport, p::RoomList, p::RoomGet, p::MeetingSchedule, p::AgendaAdd,
    p::MeetingStart, p::MeetingClose, p::AttendanceRecord, p::ContributionPost, p::DecisionRecord,
    p::DecisionComplete, p::AnalysisEdit, p::PlanAgreementAdd, p::CheckpointReport, p::PlanGet, p::ItemCorrect,
    p::ItemRedact, p::AccessRequest, p::AccessDecide, p::AccessWithdraw, p::RoomEscalate, p::RoomDeescalate,
    p::AdviceOpen, p::AdviceAnswer, p::AdviceReport, p::DecisionList, p::CheckpointsDue, p::Search, p::AgreementGet,
    p::SubjectReport, p::AuditVerify, p::RetentionRun, p::RegistryList>;

template <class Request>
std::optional<Finding> check_request(const p::Envelope& env) {
    const p::DecodeOptions strict{true};
    const std::string name(Request::type);
    Request request;
    try {
        request = p::decode_body<Request>(env, strict);
    } catch (const p::ProtocolError& e) {
        std::optional<std::string> id;
        if (env.id) id = std::string(*env.id);
        return decode_detail::check_error_reply(e.error(), id);
    } catch (const std::exception& e) {
        return Finding{"request-decode-exception", name + ": " + e.what()};
    }
    auto first = p::encode_value(request);
    p::Envelope again{first};
    again.type = env.type;
    again.id = env.id;
    try {
        auto second = p::encode_value(p::decode_body<Request>(again, strict));
        if (!decode_detail::same_json(first, second))
            return Finding{"request-round-trip", name + ": " + boost::json::serialize(first) + " became " +
                                                     boost::json::serialize(second)};
    } catch (const std::exception& e) {
        return Finding{"request-round-trip", name + ": the re-encoded body is refused: " + e.what() + ": " +
                                                 boost::json::serialize(first)};
    }
    return std::nullopt;
}

}  // namespace request_detail

inline std::optional<Finding> request_bodies_target(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto decoded = protocol::decode_envelope(text, protocol::Limits{}, protocol::DecodeOptions{true});
    if (!decoded.envelope) return std::nullopt;  // the decode_envelope fuzzer covers refusals there
    std::optional<Finding> finding;
    std::apply(
        [&](auto... request) {
            ((finding = finding ? finding : request_detail::check_request<decltype(request)>(*decoded.envelope)), ...);
        },
        request_detail::Requests{});
    return finding;
}

}  // namespace kamer::fuzz
