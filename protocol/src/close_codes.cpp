#include "kamer/protocol/close_codes.hpp"

namespace kamer::protocol {

std::string_view to_string(CloseCode code) {
    switch (code) {
        case CloseCode::normal: return "normal";
        case CloseCode::going_away: return "going_away";
        case CloseCode::protocol_error: return "protocol_error";
        case CloseCode::unsupported_data: return "unsupported_data";
        case CloseCode::invalid_payload: return "invalid_payload";
        case CloseCode::policy_violation: return "policy_violation";
        case CloseCode::message_too_big: return "message_too_big";
        case CloseCode::internal_error: return "internal_error";
        case CloseCode::try_again_later: return "try_again_later";
        case CloseCode::organisation_unknown: return "organisation_unknown";
        case CloseCode::organisation_suspended: return "organisation_suspended";
        case CloseCode::certificate_revoked: return "certificate_revoked";
        case CloseCode::hello_timeout: return "hello_timeout";
        case CloseCode::hello_required: return "hello_required";
        case CloseCode::slow_consumer: return "slow_consumer";
        case CloseCode::rate_limited: return "rate_limited";
        case CloseCode::too_many_connections: return "too_many_connections";
    }
    return "unknown";
}

}  // namespace kamer::protocol
