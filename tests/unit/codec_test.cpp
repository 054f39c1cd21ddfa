// The protocol decoder: every error path yields its stable code and the path of the field.
#include <gtest/gtest.h>

#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/session.hpp"

#include <optional>
#include <string>

namespace kamer::protocol {
namespace {

enum class Colour { red, dark_blue };
}  // namespace
template <>
struct EnumNames<Colour> {
    static constexpr std::array<std::string_view, 2> names{"red", "dark-blue"};
};
namespace {

struct Inner {
    Token ref;
    std::optional<Date> on;
};
BOOST_DESCRIBE_STRUCT(Inner, (), (ref, on))

struct Sample {
    static constexpr std::string_view type = "sample";
    Name title;
    Int<1, 500> limit;
    bool flag = false;
    Colour colour = Colour::red;
    List<Inner, 3> items;
    std::optional<Uuid> room;
    std::optional<Oin> oin;
    std::optional<Timestamp> at;
    std::optional<Text> text;
    Token for_;
};
BOOST_DESCRIBE_STRUCT(Sample, (), (title, limit, flag, colour, items, room, oin, at, text, for_))

const Limits limits{};

Envelope envelope_of(std::string_view text) {
    auto r = decode_envelope(text, limits);
    EXPECT_FALSE(r.error) << r.error->message;
    return std::move(*r.envelope);
}

Error body_error(std::string_view body) {
    auto env = envelope_of(std::string(R"({"type":"sample","id":"c1","body":)") + std::string(body) + "}");
    try {
        decode_body<Sample>(env);
    } catch (const ProtocolError& e) {
        return e.error();
    }
    ADD_FAILURE() << "decoded without error: " << body;
    return {};
}

Error envelope_error(std::string_view text, std::optional<std::string>* id = nullptr) {
    auto r = decode_envelope(text, limits);
    EXPECT_TRUE(r.error) << "decoded without error: " << text;
    if (id) *id = r.id;
    return r.error.value_or(Error{});
}

constexpr const char* valid_body =
    R"({"title":"Casus A","limit":50,"flag":true,"colour":"dark-blue","items":[{"ref":"p1","on":"2026-02-28"}],)"
    R"("room":"0b9a6c1e-3f1d-4c3a-9a57-6c2f0e1d2a3b","oin":"00000004000000001000","at":"2026-11-22T10:00:00.5Z",)"
    R"("text":"line one\nline two","for":"x"})";

TEST(Codec, DecodesAValidMessageWithEveryFieldKind) {
    auto s = decode_body<Sample>(envelope_of(std::string(R"({"type":"sample","body":)") + valid_body + "}"));
    EXPECT_EQ(s.title, "Casus A");
    EXPECT_EQ(s.limit, 50);
    EXPECT_TRUE(s.flag);
    EXPECT_EQ(s.colour, Colour::dark_blue);
    ASSERT_EQ(s.items.size(), 1u);
    EXPECT_EQ(*s.items[0].on, "2026-02-28");
    EXPECT_EQ(s.for_, "x");
}

TEST(Codec, EncodesWhatItDecodes) {
    auto s = decode_body<Sample>(envelope_of(std::string(R"({"type":"sample","body":)") + valid_body + "}"));
    auto again = decode_body<Sample>(envelope_of(encode_message(s, std::string("c9"))));
    EXPECT_EQ(boost::json::serialize(encode_value(again)), boost::json::serialize(encode_value(s)));
}

TEST(Codec, AnEnvelopeIsEncodedAsOneObjectInProtocolOrder) {
    Actor actor;
    actor.id = Token("m-1");
    actor.name = Name("J. \"Jansen\"");
    auto body = boost::json::parse(R"({"text":"regel één\nregel \"twee\"","n":[1,2.5,null]})");
    auto text = encode_envelope("sample", body, std::string("c1"), std::string("r1"), actor);
    EXPECT_EQ(text, R"({"type":"sample","id":"c1","re":"r1","actor":{"id":"m-1","name":"J. \"Jansen\""},)"
                    R"("body":{"text":"regel één\nregel \"twee\"","n":[1,2.5E0,null]}})");
    EXPECT_EQ(encode_envelope("pong", boost::json::object()), R"({"type":"pong","body":{}})");
    auto back = decode_envelope(text, limits);
    ASSERT_TRUE(back.envelope);
    EXPECT_EQ(back.envelope->body, body);
    EXPECT_EQ(*back.envelope->actor->name, "J. \"Jansen\"");
}

TEST(Codec, AbsentOptionalsAreOmittedAndNullMeansAbsent) {
    auto s = decode_body<Sample>(envelope_of(
        R"({"type":"sample","body":{"title":"t","limit":1,"flag":false,"colour":"red","items":[],"for":"y","room":null}})"));
    EXPECT_FALSE(s.room);
    auto json = boost::json::serialize(encode_value(s));
    EXPECT_EQ(json.find("room"), std::string::npos);
}

TEST(Codec, MalformedJson) {
    EXPECT_EQ(envelope_error(R"({"type":"sample",)").code, ErrorCode::malformed_json);
    EXPECT_EQ(envelope_error("").code, ErrorCode::malformed_json);
    EXPECT_EQ(envelope_error("\xff\xfe").code, ErrorCode::malformed_json);
    EXPECT_EQ(envelope_error("{\"type\":\"a\xc3\x28\"}").code, ErrorCode::malformed_json);
}

TEST(Codec, TooLarge) {
    std::string big = R"({"type":"sample","body":{"title":")" + std::string(limits.max_message_bytes, 'a') + "\"}}";
    EXPECT_EQ(envelope_error(big).code, ErrorCode::too_large);
}

TEST(Codec, SmallTextThatParsesIntoAHugeTreeIsTooLarge) {
    Limits tight;
    tight.max_parse_bytes = 64 * 1024;
    std::string many = R"({"type":"sample","body":{"items":[)";
    for (int i = 0; i < 20000; ++i) many += (i ? ",{}" : "{}");
    many += "]}}";
    auto r = decode_envelope(many, tight);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->code, ErrorCode::too_large);
}

// The body is not copied out of the parse arena, outlives the text and the decode result, and
// may grow past the parse budget once decoded (the budget bounds what a peer sends).
TEST(Codec, DecodedBodyKeepsTheArenaItWasParsedInto) {
    Limits tight;
    tight.max_parse_bytes = 4 * 1024;
    std::optional<Envelope> kept;
    {
        std::string text = R"({"type":"sample","body":{"title":"t","items":[{"ref":"a"},{"ref":"b"}]}})";
        auto r = decode_envelope(text, tight);
        ASSERT_TRUE(r.envelope);
        kept = std::move(r.envelope);
        text.assign(text.size(), 'x');
    }
    auto& body = kept->body.as_object();
    EXPECT_NE(kept->body.storage().get(), boost::json::storage_ptr().get());
    EXPECT_EQ(body.at("items").as_array().at(1).as_object().at("ref").as_string(), "b");
    body["grown"] = std::string(2 * tight.max_parse_bytes, 'g');
    EXPECT_EQ(body.at("grown").as_string().size(), 2 * tight.max_parse_bytes);
}

// A moved-from envelope lets go of the arena (json::value's own move keeps it), so that a
// message handed to another thread is freed there, by its last holder.
TEST(Codec, AMovedFromEnvelopeLetsGoOfTheArena) {
    auto r = decode_envelope(R"({"type":"sample","body":{"title":"t"}})", Limits{});
    ASSERT_TRUE(r.envelope);
    const auto* arena = r.envelope->body.storage().get();
    const auto* default_storage = boost::json::storage_ptr().get();
    ASSERT_NE(arena, default_storage);

    Envelope moved(std::move(*r.envelope));
    EXPECT_EQ(moved.body.storage().get(), arena);
    EXPECT_EQ(r.envelope->body.storage().get(), default_storage);
    EXPECT_TRUE(r.envelope->body.is_null());

    Envelope assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.body.storage().get(), arena);
    EXPECT_EQ(moved.body.storage().get(), default_storage);
    EXPECT_EQ(assigned.type, "sample");
    EXPECT_EQ(assigned.body.as_object().at("title").as_string(), "t");

    moved.body = boost::json::object{{"again", true}};  // a moved-from envelope is usable
    EXPECT_TRUE(moved.body.as_object().at("again").as_bool());
}

TEST(Codec, TooDeep) {
    std::string deep = R"({"type":"sample","body":)" + std::string(40, '[') + std::string(40, ']') + "}";
    EXPECT_EQ(envelope_error(deep).code, ErrorCode::too_deep);
}

TEST(Codec, NotAnObject) {
    EXPECT_EQ(envelope_error("[1,2]").code, ErrorCode::not_an_object);
    EXPECT_EQ(envelope_error("\"hello\"").code, ErrorCode::not_an_object);
}

TEST(Codec, EnvelopeFields) {
    EXPECT_EQ(envelope_error(R"({"id":"c1"})").code, ErrorCode::missing_field);
    EXPECT_EQ(envelope_error(R"({"type":7})").code, ErrorCode::wrong_type);
    EXPECT_EQ(envelope_error(R"({"type":"Bad Type"})").code, ErrorCode::invalid_value);
    EXPECT_EQ(envelope_error(R"({"type":"sample","body":[]})").code, ErrorCode::wrong_type);
    EXPECT_EQ(envelope_error(R"({"type":"sample","extra":1})").code, ErrorCode::unknown_field);
    EXPECT_EQ(envelope_error(R"({"type":"sample","id":"has space"})").code, ErrorCode::invalid_value);
    auto e = envelope_error(R"({"type":"sample","actor":{"name":"x"}})");
    EXPECT_EQ(e.code, ErrorCode::missing_field);
    EXPECT_EQ(e.path, "actor.id");
}

TEST(Codec, ErrorsKeepTheRequestIdWhenItCanBeRead) {
    std::optional<std::string> id;
    envelope_error(R"({"type":"sample","id":"c42","surprise":true})", &id);
    EXPECT_EQ(id, "c42");
    envelope_error(R"({"type":"sample","id":"bad id"})", &id);
    EXPECT_FALSE(id);
}

TEST(Codec, MissingField) {
    auto e = body_error(R"({"limit":1,"flag":true,"colour":"red","items":[],"for":"x"})");
    EXPECT_EQ(e.code, ErrorCode::missing_field);
    EXPECT_EQ(e.path, "body.title");
}

TEST(Codec, UnknownFieldIsRefusedNotIgnored) {
    auto e = body_error(R"({"title":"t","limit":1,"flag":true,"colour":"red","items":[],"for":"x","audiance":"all"})");
    EXPECT_EQ(e.code, ErrorCode::unknown_field);
    EXPECT_EQ(e.path, "body.audiance");
}

TEST(Codec, UnknownFieldsAreIgnoredWhenAsked) {
    auto env = envelope_of(
        R"({"type":"sample","body":{"title":"t","limit":1,"flag":true,"colour":"red","items":[],"for":"x","new":1}})");
    EXPECT_NO_THROW(decode_body<Sample>(env, DecodeOptions{false}));
}

TEST(Codec, WrongTypes) {
    struct Case {
        const char* body;
        const char* path;
    } cases[] = {
        {R"({"title":5,"limit":1,"flag":true,"colour":"red","items":[],"for":"x"})", "body.title"},
        {R"({"title":"t","limit":"1","flag":true,"colour":"red","items":[],"for":"x"})", "body.limit"},
        {R"({"title":"t","limit":1.5,"flag":true,"colour":"red","items":[],"for":"x"})", "body.limit"},
        {R"({"title":"t","limit":1,"flag":"yes","colour":"red","items":[],"for":"x"})", "body.flag"},
        {R"({"title":"t","limit":1,"flag":true,"colour":1,"items":[],"for":"x"})", "body.colour"},
        {R"({"title":"t","limit":1,"flag":true,"colour":"red","items":{},"for":"x"})", "body.items"},
        {R"({"title":"t","limit":1,"flag":true,"colour":"red","items":[5],"for":"x"})", "body.items[0]"},
        {R"({"title":null,"limit":1,"flag":true,"colour":"red","items":[],"for":"x"})", "body.title"},
    };
    for (const auto& c : cases) {
        auto e = body_error(c.body);
        EXPECT_EQ(e.code, ErrorCode::wrong_type) << c.body;
        EXPECT_EQ(e.path, c.path) << c.body;
    }
}

TEST(Codec, InvalidValues) {
    struct Case {
        const char* field;
        const char* value;
    } cases[] = {
        {"limit", "0"},
        {"limit", "501"},
        {"limit", "18446744073709551615"},
        {"colour", "\"blue\""},
        {"room", "\"0B9A6C1E-3F1D-4C3A-9A57-6C2F0E1D2A3B\""},
        {"room", "\"not-a-uuid\""},
        {"oin", "\"1234\""},
        {"oin", "\"0000000400000000100x\""},
        {"at", "\"2026-11-22 10:00:00Z\""},
        {"at", "\"2026-13-01T00:00:00Z\""},
        {"title", "\"tab\\tin a name\""},
        {"text", "\"bell \\u0007\""},
        {"for", "\"\""},
    };
    for (const auto& c : cases) {
        std::string body = std::string(R"({"title":"t","limit":1,"flag":true,"colour":"red","items":[],"for":"x")");
        if (std::string_view(c.field) == "limit" || std::string_view(c.field) == "colour" ||
            std::string_view(c.field) == "title" || std::string_view(c.field) == "for") {
            auto key = "\"" + std::string(c.field) + "\":";
            auto at = body.find(key) + key.size();
            auto end = body.find_first_of(",}", at);
            body.replace(at, end - at, c.value);
            body += "}";
        } else {
            body += ",\"" + std::string(c.field) + "\":" + c.value + "}";
        }
        auto e = body_error(body);
        EXPECT_EQ(e.code, ErrorCode::invalid_value) << c.field << "=" << c.value;
        EXPECT_EQ(e.path, "body." + std::string(c.field)) << c.field;
    }
    auto e = body_error(R"({"title":"t","limit":1,"flag":true,"colour":"red","items":[{"ref":"p","on":"2026-02-29"}],"for":"x"})");
    EXPECT_EQ(e.code, ErrorCode::invalid_value);
    EXPECT_EQ(e.path, "body.items[0].on");
}

TEST(Codec, TooLong) {
    auto e = body_error(std::string(R"({"title":")") + std::string(201, 'a') +
                        R"(","limit":1,"flag":true,"colour":"red","items":[],"for":"x"})");
    EXPECT_EQ(e.code, ErrorCode::too_long);
    EXPECT_EQ(e.path, "body.title");
}

TEST(Codec, TooMany) {
    auto e = body_error(
        R"({"title":"t","limit":1,"flag":true,"colour":"red","items":[{"ref":"a"},{"ref":"b"},{"ref":"c"},{"ref":"d"}],"for":"x"})");
    EXPECT_EQ(e.code, ErrorCode::too_many);
    EXPECT_EQ(e.path, "body.items");
}

TEST(Codec, ErrorCodeNamesRoundTrip) {
    for (int i = 0; i <= static_cast<int>(ErrorCode::timeout); ++i) {
        auto code = static_cast<ErrorCode>(i);
        ErrorCode back{};
        ASSERT_TRUE(from_string(to_string(code), back)) << i;
        EXPECT_EQ(back, code);
    }
}

}  // namespace
}  // namespace kamer::protocol
