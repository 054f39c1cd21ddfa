#include "kamer/protocol/envelope.hpp"

#include <algorithm>
#include <new>
#include <cmath>
#include <limits>

namespace kamer::protocol {
namespace {

namespace json = boost::json;

struct ParseBudgetExceeded {};

// Allocates from a monotonic arena and, while a message is parsed, refuses to grow past a
// fixed budget. The decoded body keeps the arena; changes made to it later are not bounded.
class CappedResource final : public json::memory_resource {
public:
    // `self` is how the owner of the storage_ptr, which wraps this resource, reaches it.
    CappedResource(std::size_t cap, CappedResource*& self) : cap_(cap) { self = this; }
    void lift_cap() { cap_ = std::numeric_limits<std::size_t>::max(); }

private:
    void* do_allocate(std::size_t n, std::size_t align) override {
        if (n > cap_ - used_) throw ParseBudgetExceeded{};
        used_ += n;
        return arena_.allocate(n, align);
    }
    void do_deallocate(void*, std::size_t, std::size_t) override {}
    bool do_is_equal(const json::memory_resource& other) const noexcept override {
        return this == &other;
    }

    json::monotonic_resource arena_;
    std::size_t cap_;
    std::size_t used_ = 0;
};

bool valid_type_name(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+';
    });
}

// Boost.JSON turns an out-of-range literal such as 1e999 into infinity, which has no JSON form.
bool has_nonfinite(const json::value& v) {
    switch (v.kind()) {
        case json::kind::double_: return !std::isfinite(v.get_double());
        case json::kind::array:
            return std::any_of(v.get_array().begin(), v.get_array().end(),
                               [](const json::value& e) { return has_nonfinite(e); });
        case json::kind::object:
            return std::any_of(v.get_object().begin(), v.get_object().end(),
                               [](const json::key_value_pair& kv) { return has_nonfinite(kv.value()); });
        default: return false;
    }
}

Error error(ErrorCode code, std::string path, std::string message) {
    return Error{code, std::move(path), std::move(message)};
}

}  // namespace

namespace detail {
std::string_view kind_of(const json::value& v) {
    switch (v.kind()) {
        case json::kind::null: return "null";
        case json::kind::bool_: return "a boolean";
        case json::kind::int64:
        case json::kind::uint64: return "an integer";
        case json::kind::double_: return "a fractional number";
        case json::kind::string: return "a string";
        case json::kind::array: return "an array";
        case json::kind::object: return "an object";
    }
    return "unknown";
}
}  // namespace detail

DecodeResult decode_envelope(std::string_view text, const Limits& limits, DecodeOptions options) {
    DecodeResult result;
    if (text.size() > limits.max_message_bytes) {
        result.error = error(ErrorCode::too_large, "",
                             "message is larger than " + std::to_string(limits.max_message_bytes) + " bytes");
        return result;
    }

    json::parse_options popts;
    popts.max_depth = limits.max_depth;
    // The parsed tree lives in its arena, and so does the body taken from it: a value assigned
    // from one with another storage is copied, node by node.
    CappedResource* budget = nullptr;
    json::storage_ptr arena = json::make_shared_resource<CappedResource>(limits.max_parse_bytes, budget);
    json::value root(arena);
    try {
        json::error_code ec;
        root = json::parse(text, ec, arena, popts);
        if (ec == json::error::too_deep) {
            result.error = error(ErrorCode::too_deep, "",
                                 "message nests deeper than " + std::to_string(limits.max_depth) + " levels");
            return result;
        }
        if (ec) {
            result.error = error(ErrorCode::malformed_json, "", "message is not valid JSON: " + ec.message());
            return result;
        }
    } catch (const ParseBudgetExceeded&) {
        result.error = error(ErrorCode::too_large, "", "message is too large once parsed");
        return result;
    }
    budget->lift_cap();

    if (!root.is_object()) {
        result.error = error(ErrorCode::not_an_object, "", "message must be a JSON object");
        return result;
    }
    auto& obj = root.get_object();

    // Read the id first so that any later error can be correlated with the request.
    if (auto* id = obj.if_contains("id"); id && id->is_string()) {
        std::string_view s = id->get_string();
        if (s.size() <= tags::Token::max_bytes && tags::Token::valid(s)) result.id = std::string(s);
    }
    if (has_nonfinite(root)) {
        result.error = error(ErrorCode::invalid_value, "", "numbers must be within the range of a double");
        return result;
    }

    try {
        Envelope env{json::value(arena)};
        for (const auto& kv : obj) {
            std::string_view key = kv.key();
            if (key == "type") {
                if (!kv.value().is_string())
                    throw ProtocolError(error(ErrorCode::wrong_type, "type", "type must be a string"));
                std::string_view t = kv.value().get_string();
                if (!valid_type_name(t))
                    throw ProtocolError(error(ErrorCode::invalid_value, "type",
                                              "type must be 1 to 64 characters from a-z 0-9 . - +"));
                env.type = std::string(t);
            } else if (key == "id") {
                env.id = Decoder(options, "id").decode<Token>(kv.value());
            } else if (key == "re") {
                env.re = Decoder(options, "re").decode<Token>(kv.value());
            } else if (key == "actor") {
                env.actor = Decoder(options, "actor").decode<Actor>(kv.value());
            } else if (key == "body") {
                if (!kv.value().is_object())
                    throw ProtocolError(error(ErrorCode::wrong_type, "body", "body must be an object"));
            } else if (options.reject_unknown) {
                std::string k = printable_key(key);
                throw ProtocolError(error(ErrorCode::unknown_field, k, k + " is not an envelope field"));
            }
        }
        if (env.type.empty())
            throw ProtocolError(error(ErrorCode::missing_field, "type", "type is required"));
        if (auto* body = obj.if_contains("body"))
            env.body = std::move(*body);
        else
            env.body = json::object(root.storage());
        result.envelope = std::move(env);
    } catch (const ProtocolError& e) {
        result.error = e.error();
    }
    return result;
}

namespace {

// Moves `from` into `to`, storage and all, and leaves `from` a null with the default storage.
void take_body(json::value& to, json::value& from) noexcept {
    to.~value();
    ::new (&to) json::value(json::pilfer(from));
    from.~value();  // pilfered: destruction is all it allows
    ::new (&from) json::value();
}

}  // namespace

Envelope::Envelope(Envelope&& other) noexcept
    : type(std::move(other.type)), id(std::move(other.id)), re(std::move(other.re)), actor(std::move(other.actor)) {
    take_body(body, other.body);
}

Envelope& Envelope::operator=(Envelope&& other) noexcept {
    if (this == &other) return *this;
    type = std::move(other.type);
    id = std::move(other.id);
    re = std::move(other.re);
    actor = std::move(other.actor);
    take_body(body, other.body);
    return *this;
}

std::string encode_envelope(std::string_view type, const json::value& body,
                            const std::optional<std::string>& id, const std::optional<std::string>& re,
                            const std::optional<Actor>& actor) {
    // The text of {"type","id","re","actor","body"} written around the serialized body: an
    // object holding the body would copy it first.
    auto quoted = [](std::string_view s) { return json::serialize(json::string_view(s.data(), s.size())); };
    std::string out = "{\"type\":" + quoted(type);
    if (id) out += ",\"id\":" + quoted(*id);
    if (re) out += ",\"re\":" + quoted(*re);
    if (actor) out += ",\"actor\":" + json::serialize(encode_value(*actor));
    out += ",\"body\":";
    out += json::serialize(body);
    out += '}';
    return out;
}

}  // namespace kamer::protocol
