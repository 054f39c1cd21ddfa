#pragma once
// What the decode_envelope fuzzer checks for one input. Header-only so that the libFuzzer entry
// point and the regression unit test run exactly the same code without another library.
//
// Memory errors are the sanitizers' business; this checks the properties a crash would not
// reveal: whatever the server decodes, and every error it answers with, must encode into a
// message that the receiving side decodes again.
#include <bit>
#include <boost/json.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <string_view>

#include "finding.hpp"
#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/session.hpp"

namespace kamer::fuzz {

namespace decode_detail {

namespace json = boost::json;
namespace p = kamer::protocol;

inline bool has_nonfinite(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_:
            return !std::isfinite(v.get_double());
        case json::kind::array:
            for (const auto& e : v.get_array())
                if (has_nonfinite(e)) return true;
            return false;
        case json::kind::object:
            for (const auto& kv : v.get_object())
                if (has_nonfinite(kv.value())) return true;
            return false;
        default:
            return false;
    }
}

// Bytes a client chose that may end up in an error's path or message: control characters,
// and non-ASCII that a cut at a fixed length can split.
inline bool has_raw_bytes(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7f) return true;
    return false;
}

// A re-encoded message may be a little longer than the original ("1.5" becomes "1.5E0"); the
// size limit is not what these checks are about, so the second decode lifts it.
inline p::Limits round_trip_limits() {
    p::Limits l;
    l.max_message_bytes = std::numeric_limits<std::size_t>::max();
    l.max_parse_bytes = std::numeric_limits<std::size_t>::max() / 2;
    return l;
}

// The server answers a refused message with make_error_reply(error), `re` = the id it could
// read (session.cpp, reply_error); the client reads it leniently (client-lib connection.cpp).
inline std::optional<Finding> check_error_reply(const p::Error& error,
                                                const std::optional<std::string>& id) {
    std::string text = p::encode_message(p::make_error_reply(error), std::nullopt, id);
    p::Limits client_limits;
    client_limits.max_depth = 64;
    auto r = p::decode_envelope(text, client_limits, p::DecodeOptions{false});
    std::string kind = has_raw_bytes(error.path) || has_raw_bytes(error.message)
                           ? "error-reply-raw-bytes"
                           : "error-reply";
    if (!r.envelope) return Finding{kind, "the error reply does not decode: " + text};
    try {
        auto reply = p::decode_body<p::ErrorReply>(*r.envelope, p::DecodeOptions{false});
        p::ErrorCode code;
        if (!p::from_string(std::string_view(reply.code), code) || code != error.code)
            return Finding{kind, "the error reply carries another code: " + text};
    } catch (const p::ProtocolError& e) {
        return Finding{kind,
                       "the error reply body does not decode (" + e.error().message + "): " + text};
    }
    if (r.envelope->re != id) return Finding{kind, "the error reply lost its re: " + text};
    return std::nullopt;
}

// Boost.JSON 1.81 parses numbers fast rather than exactly (boostorg/json#599; exact parsing
// came in 1.83), so a number that is not an integer in range can drift by a few units in the
// last place each time a message is re-encoded and read again. That is noted, not a finding.
inline bool nearly_equal(double x, double y) {
    if (x == y) return true;
    if (std::signbit(x) != std::signbit(y) || !std::isfinite(x) || !std::isfinite(y)) return false;
    auto ulps = std::bit_cast<std::int64_t>(x) - std::bit_cast<std::int64_t>(y);
    return ulps >= -16 && ulps <= 16;
}

// Equal as JSON, but for that drift.
inline bool same_json(const json::value& a, const json::value& b) {
    if (a.kind() != b.kind()) return false;
    switch (a.kind()) {
        case json::kind::double_:
            return nearly_equal(a.get_double(), b.get_double());
        case json::kind::array: {
            const auto &xs = a.get_array(), &ys = b.get_array();
            if (xs.size() != ys.size()) return false;
            for (std::size_t i = 0; i < xs.size(); ++i)
                if (!same_json(xs[i], ys[i])) return false;
            return true;
        }
        case json::kind::object: {
            const auto &xs = a.get_object(), &ys = b.get_object();
            if (xs.size() != ys.size()) return false;
            for (const auto& kv : xs) {
                const auto* other = ys.if_contains(kv.key());
                if (!other || !same_json(kv.value(), *other)) return false;
            }
            return true;
        }
        default:
            return a == b;
    }
}

inline std::optional<std::string> text_of(const std::optional<p::Token>& t) {
    return t ? std::optional<std::string>(*t) : std::nullopt;
}

inline std::optional<Finding> check_envelope_round_trip(const p::Envelope& env,
                                                        p::DecodeOptions options) {
    std::string kind =
        has_nonfinite(env.body) ? "envelope-round-trip-nonfinite" : "envelope-round-trip";
    std::string text =
        p::encode_envelope(env.type, env.body, text_of(env.id), text_of(env.re), env.actor);
    auto r = p::decode_envelope(text, round_trip_limits(), options);
    if (!r.envelope)
        return Finding{
            kind, "the re-encoded envelope does not decode (" + r.error->message + "): " + text};
    const auto& back = *r.envelope;
    auto actor_json = [](const std::optional<p::Actor>& a) { return p::encode_value(a); };
    if (back.type != env.type || back.id != env.id || back.re != env.re ||
        actor_json(back.actor) != actor_json(env.actor) || !same_json(back.body, env.body)) {
        std::string again = p::encode_envelope(back.type, back.body, text_of(back.id),
                                               text_of(back.re), back.actor);
        return Finding{kind, "the envelope changed: " + text + " came back as " + again};
    }
    return std::nullopt;
}

// Decodes the body as M, as the server does for that message type; a refusal must make a good
// error reply, a success must survive encode_message and decode again unchanged.
template <class M>
std::optional<Finding> check_body(const p::Envelope& env, p::DecodeOptions options) {
    M message;
    try {
        message = p::decode_body<M>(env, options);
    } catch (const p::ProtocolError& e) {
        return check_error_reply(e.error(), text_of(env.id));
    }
    std::string kind = "message-round-trip-" + std::string(M::type);
    std::string text = p::encode_message(message, text_of(env.id), text_of(env.re), env.actor);
    auto r = p::decode_envelope(text, round_trip_limits(), p::DecodeOptions{true});
    if (!r.envelope)
        return Finding{
            kind, "the re-encoded message does not decode (" + r.error->message + "): " + text};
    if (r.envelope->type != M::type) return Finding{kind, "the type changed: " + text};
    try {
        M back = p::decode_body<M>(*r.envelope, p::DecodeOptions{true});
        if (p::encode_value(back) != p::encode_value(message))
            return Finding{kind, "the body changed: " + text};
    } catch (const p::ProtocolError& e) {
        return Finding{kind,
                       "the re-encoded body does not decode (" + e.error().message + "): " + text};
    }
    return std::nullopt;
}

}  // namespace decode_detail

// Servers decode strictly, clients leniently: both must hold for any bytes.
inline std::optional<Finding> decode_envelope_target(const std::uint8_t* data, std::size_t size) {
    namespace p = kamer::protocol;
    using namespace decode_detail;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (bool strict : {true, false}) {
        p::DecodeOptions options{strict};
        p::DecodeResult r;
        try {
            r = p::decode_envelope(text, p::Limits{}, options);
        } catch (const std::exception& e) {
            return Finding{"decode-threw", std::string("decode_envelope threw: ") + e.what()};
        }
        if (r.envelope.has_value() == r.error.has_value())
            return Finding{"decode-result", "not exactly one of envelope and error"};
        if (r.error) {
            if (auto f = check_error_reply(*r.error, r.id)) return f;
            continue;
        }
        const auto& env = *r.envelope;
        if (!env.body.is_object()) return Finding{"decode-result", "the body is not an object"};
        if (auto f = check_envelope_round_trip(env, options)) return f;
        if (auto f = check_body<p::Hello>(env, options)) return f;
        if (auto f = check_body<p::Ping>(env, options)) return f;
    }
    return std::nullopt;
}

}  // namespace kamer::fuzz
