#include "kamer/protocol/error.hpp"

#include <array>
#include <utility>

namespace kamer::protocol {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 26> names{{
    {ErrorCode::malformed_json, "malformed_json"},
    {ErrorCode::too_large, "too_large"},
    {ErrorCode::too_deep, "too_deep"},
    {ErrorCode::not_an_object, "not_an_object"},
    {ErrorCode::unknown_type, "unknown_type"},
    {ErrorCode::missing_field, "missing_field"},
    {ErrorCode::unknown_field, "unknown_field"},
    {ErrorCode::wrong_type, "wrong_type"},
    {ErrorCode::invalid_value, "invalid_value"},
    {ErrorCode::too_long, "too_long"},
    {ErrorCode::too_many, "too_many"},
    {ErrorCode::hello_required, "hello_required"},
    {ErrorCode::already_greeted, "already_greeted"},
    {ErrorCode::rate_limited, "rate_limited"},
    {ErrorCode::forbidden, "forbidden"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::invalid_transition, "invalid_transition"},
    {ErrorCode::stale_version, "stale_version"},
    {ErrorCode::idempotency_conflict, "idempotency_conflict"},
    {ErrorCode::unavailable, "unavailable"},
    {ErrorCode::outcome_unknown, "outcome_unknown"},
    {ErrorCode::internal, "internal"},
    {ErrorCode::queue_full, "queue_full"},
    {ErrorCode::disconnected, "disconnected"},
    {ErrorCode::timeout, "timeout"},
}};

}  // namespace

std::string_view to_string(ErrorCode code) {
    for (const auto& [c, n] : names)
        if (c == code) return n;
    return "internal";
}

bool from_string(std::string_view name, ErrorCode& out) {
    for (const auto& [c, n] : names)
        if (n == name) {
            out = c;
            return true;
        }
    return false;
}

std::string printable_key(std::string_view key) {
    std::string out(key.substr(0, 64));
    for (char& c : out)
        if (c < 0x20 || c > 0x7e) c = '?';
    return out;
}

}  // namespace kamer::protocol
