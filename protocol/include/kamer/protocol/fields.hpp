#pragma once
// Bounded field types. A message struct is made of these, so that decoding a message is also
// validating it: every string has a maximum length and a syntax, every list a maximum size,
// every number a range. Plain std::string, std::vector or integers are not allowed in messages.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kamer::protocol {

// A string whose tag decides its bounds and syntax. Inherits std::string so that code using a
// message reads naturally; the bounds are checked when a message is decoded.
template <class Tag>
struct Bounded : std::string {
    using tag = Tag;
    Bounded() = default;
    Bounded(std::string s) : std::string(std::move(s)) {}
    Bounded(std::string_view s) : std::string(s) {}
    Bounded(const char* s) : std::string(s) {}
};

namespace tags {
// Names and titles: up to 200 bytes, no control characters.
struct Name {
    static constexpr std::size_t max_bytes = 200;
    static constexpr std::string_view expected = "text without control characters";
    static bool valid(std::string_view s);
};
// Free text (contributions, analysis, notes): up to 64 KiB; newlines and tabs allowed.
struct Text {
    static constexpr std::size_t max_bytes = 64 * 1024;
    static constexpr std::string_view expected = "text without control characters other than newline and tab";
    static bool valid(std::string_view s);
};
// Identifiers chosen by clients (message ids, professional ids, person references).
struct Token {
    static constexpr std::size_t max_bytes = 128;
    static constexpr std::string_view expected = "1 to 128 characters from A-Z a-z 0-9 . _ : @ / + -";
    static bool valid(std::string_view s);
};
// Identifiers chosen by the server: lower-case UUIDs.
struct Uuid {
    static constexpr std::size_t max_bytes = 36;
    static constexpr std::string_view expected = "a lower-case UUID";
    static bool valid(std::string_view s);
};
// Organisatie-identificatienummer: exactly 20 digits.
struct Oin {
    static constexpr std::size_t max_bytes = 20;
    static constexpr std::string_view expected = "an OIN of exactly 20 digits";
    static bool valid(std::string_view s);
};
// Calendar date, YYYY-MM-DD.
struct Date {
    static constexpr std::size_t max_bytes = 10;
    static constexpr std::string_view expected = "a date as YYYY-MM-DD";
    static bool valid(std::string_view s);
};
// Point in time, RFC 3339 in UTC: YYYY-MM-DDTHH:MM:SS[.fff...]Z.
struct Timestamp {
    static constexpr std::size_t max_bytes = 32;
    static constexpr std::string_view expected = "a UTC time as YYYY-MM-DDTHH:MM:SS[.fraction]Z";
    static bool valid(std::string_view s);
};
// Opaque server position in a room's stream: base64url.
struct Cursor {
    static constexpr std::size_t max_bytes = 64;
    static constexpr std::string_view expected = "a cursor as returned by the server";
    static bool valid(std::string_view s);
};
}  // namespace tags

using Name = Bounded<tags::Name>;
using Text = Bounded<tags::Text>;
using Token = Bounded<tags::Token>;
using Uuid = Bounded<tags::Uuid>;
using Oin = Bounded<tags::Oin>;
using Date = Bounded<tags::Date>;
using Timestamp = Bounded<tags::Timestamp>;
using Cursor = Bounded<tags::Cursor>;

// An integer within [Min, Max].
template <std::int64_t Min, std::int64_t Max>
struct Int {
    static_assert(Min <= Max);
    static constexpr std::int64_t min = Min;
    static constexpr std::int64_t max = Max;
    std::int64_t value = Min;
    constexpr Int() = default;
    constexpr Int(std::int64_t v) : value(v) {}
    constexpr operator std::int64_t() const { return value; }
};

// A list of at most Max elements.
template <class T, std::size_t Max>
struct List : std::vector<T> {
    static constexpr std::size_t max = Max;
    using std::vector<T>::vector;
};

// Wire names of an enumeration whose values run from 0. Specialise with a `names` array.
template <class E>
struct EnumNames;

template <class E>
std::string_view to_string(E value)
    requires requires { EnumNames<E>::names; }
{
    return EnumNames<E>::names[static_cast<std::size_t>(value)];
}

template <class E>
bool from_string(std::string_view name, E& out)
    requires requires { EnumNames<E>::names; }
{
    const auto& names = EnumNames<E>::names;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) {
            out = static_cast<E>(i);
            return true;
        }
    return false;
}

}  // namespace kamer::protocol
