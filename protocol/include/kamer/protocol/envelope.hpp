#pragma once
// The message envelope shared by every Kamer message:
//   {"type": "...", "id": "<client message id>", "re": "<id answered>", "actor": {...}, "body": {...}}
// `id` makes a request idempotent and lets the reply be correlated (`re`). `actor` names the
// professional acting for the authenticated organisation, per message; `hello` sets a default.
#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kamer/protocol/codec.hpp"
#include "kamer/protocol/error.hpp"
#include "kamer/protocol/fields.hpp"

namespace kamer::protocol {

struct Limits {
    std::size_t max_message_bytes = 1024 * 1024;
    unsigned max_depth = 16;
    // Memory the parsed form of one message may take; bounds the cost of hostile input such as
    // a megabyte of "[[[]]]" that is small as text and large as a tree.
    std::size_t max_parse_bytes = 8 * 1024 * 1024;
};

// The professional acting for the organisation (NEN 7513: the user, and on whose behalf).
struct Actor {
    Token id;
    std::optional<Name> name;
    std::optional<Name> function;
    std::optional<Name> acting_for;
};
BOOST_DESCRIBE_STRUCT(Actor, (), (id, name, function, acting_for))

struct Envelope {
    std::string type;
    std::optional<Token> id;
    std::optional<Token> re;
    std::optional<Actor> actor;
    // Always an object after a successful decode. It lives in the decoded message's arena (not
    // thread-safe, freed with the last value that uses it): to change it on another thread, or
    // to keep a small part of a large message, copy it into a value with storage of its own.
    boost::json::value body;

    Envelope() = default;
    explicit Envelope(boost::json::value body_with_its_storage) noexcept : body(std::move(body_with_its_storage)) {}
    Envelope(const Envelope&) = default;
    Envelope& operator=(const Envelope&) = default;
    // A moved-from envelope lets go of the arena, which json::value's own move keeps: the arena
    // is then freed by the last holder of the message, not by a thread that only passed it on
    // (the client library hands messages from its network thread to the application's).
    Envelope(Envelope&& other) noexcept;
    Envelope& operator=(Envelope&& other) noexcept;
    ~Envelope() = default;
};

struct DecodeResult {
    std::optional<Envelope> envelope;
    std::optional<Error> error;
    // The sender's message id when it could be read even though decoding failed, so that the
    // error can still be correlated.
    std::optional<std::string> id;
};

DecodeResult decode_envelope(std::string_view text, const Limits& limits, DecodeOptions options = {});

// Encodes an envelope; `body` must be an object.
std::string encode_envelope(std::string_view type, const boost::json::value& body,
                            const std::optional<std::string>& id = std::nullopt,
                            const std::optional<std::string>& re = std::nullopt,
                            const std::optional<Actor>& actor = std::nullopt);

// Typed helpers over the generic codec. Message structs carry `static constexpr type`.
template <class M>
M decode_body(const Envelope& e, DecodeOptions options = {}) {
    return Decoder(options, "body").decode<M>(e.body);
}

template <class M>
std::string encode_message(const M& m, const std::optional<std::string>& id = std::nullopt,
                           const std::optional<std::string>& re = std::nullopt,
                           const std::optional<Actor>& actor = std::nullopt) {
    return encode_envelope(M::type, encode_value(m), id, re, actor);
}

}  // namespace kamer::protocol
