#pragma once
// Generic, strict conversion between JSON values and message structs described with
// BOOST_DESCRIBE_STRUCT. A member named `for_` is the JSON key "for" (C++ keywords).
//
// Decoding checks types, bounds and syntax of every field and, when `reject_unknown` is set,
// refuses keys the struct does not have: a misspelt "audiance" must never fall back to a
// default audience. Errors carry the JSON path of the offending field.
#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <boost/mp11/algorithm.hpp>
#include <concepts>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "kamer/protocol/error.hpp"
#include "kamer/protocol/fields.hpp"

namespace kamer::protocol {

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_bounded : std::false_type {};
template <class Tag>
struct is_bounded<Bounded<Tag>> : std::true_type {};

template <class T>
struct is_int : std::false_type {};
template <std::int64_t A, std::int64_t B>
struct is_int<Int<A, B>> : std::true_type {};

template <class T>
struct is_list : std::false_type {};
template <class T, std::size_t N>
struct is_list<List<T, N>> : std::true_type {};

template <class T>
constexpr bool is_described = boost::describe::has_describe_members<T>::value;

// A type with its own JSON form: `static T from_json(const boost::json::value&, Decoder&)`
// and `boost::json::value to_json() const`.
template <class T>
concept custom_coded = requires(const T& t) {
    { t.to_json() } -> std::convertible_to<boost::json::value>;
};

template <class T>
constexpr bool always_false = false;

// The JSON key for a C++ member name: a trailing underscore is dropped.
inline std::string_view key_of(const char* member) {
    std::string_view k(member);
    if (!k.empty() && k.back() == '_') k.remove_suffix(1);
    return k;
}

std::string_view kind_of(const boost::json::value& v);

}  // namespace detail

struct DecodeOptions {
    bool reject_unknown = true;  // servers: true; clients reading a server: false (newer servers)
};

class Decoder {
public:
    explicit Decoder(DecodeOptions options = {}, std::string root = "body")
        : options_(options), path_(std::move(root)) {}

    template <class T>
    T decode(const boost::json::value& v) {
        T out{};
        read(v, out);
        return out;
    }

    // Decodes a nested value whose path is the current path (for custom-coded types).
    template <class T>
    void read(const boost::json::value& v, T& out) {
        read_value(v, out);
    }

    [[noreturn]] void fail(ErrorCode code, std::string message) const {
        throw ProtocolError(Error{code, path_, path_ + ": " + std::move(message)});
    }

private:
    template <class T>
    void read_value(const boost::json::value& v, T& out) {
        if constexpr (detail::custom_coded<T>) {
            out = T::from_json(v, *this);
        } else if constexpr (detail::is_optional<T>::value) {
            if (v.is_null()) {
                out.reset();
            } else {
                out.emplace();
                read(v, *out);
            }
        } else if constexpr (std::is_same_v<T, bool>) {
            if (!v.is_bool()) wrong_type(v, "a boolean");
            out = v.get_bool();
        } else if constexpr (detail::is_int<T>::value) {
            std::int64_t n = 0;
            if (v.is_int64()) {
                n = v.get_int64();
            } else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(T::max)) {
                n = static_cast<std::int64_t>(v.get_uint64());
            } else if (v.is_uint64()) {
                fail(ErrorCode::invalid_value, "must be at most " + std::to_string(T::max));
            } else {
                wrong_type(v, "an integer");
            }
            if (n < T::min || n > T::max)
                fail(ErrorCode::invalid_value, "must be between " + std::to_string(T::min) +
                                                   " and " + std::to_string(T::max));
            out = T(n);
        } else if constexpr (detail::is_bounded<T>::value) {
            using Tag = typename T::tag;
            if (!v.is_string()) wrong_type(v, "a string");
            std::string_view s = v.get_string();
            if (s.size() > Tag::max_bytes)
                fail(ErrorCode::too_long, "is longer than " + std::to_string(Tag::max_bytes) +
                                              " bytes");
            if (!Tag::valid(s)) fail(ErrorCode::invalid_value, "must be " + std::string(Tag::expected));
            out = T(s);
        } else if constexpr (std::is_enum_v<T>) {
            if (!v.is_string()) wrong_type(v, "a string");
            if (!from_string(std::string_view(v.get_string()), out)) {
                std::string allowed;
                for (auto n : EnumNames<T>::names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
                fail(ErrorCode::invalid_value, "must be one of: " + allowed);
            }
        } else if constexpr (detail::is_list<T>::value) {
            if (!v.is_array()) wrong_type(v, "an array");
            const auto& a = v.get_array();
            if (a.size() > T::max)
                fail(ErrorCode::too_many, "has more than " + std::to_string(T::max) + " elements");
            out.clear();
            out.resize(a.size());
            for (std::size_t i = 0; i < a.size(); ++i) {
                auto mark = path_.size();
                path_ += "[" + std::to_string(i) + "]";
                read(a[i], out[i]);
                path_.resize(mark);
            }
        } else if constexpr (std::is_same_v<T, boost::json::object>) {
            // Only for nested documents the server produced itself (never accepted from clients
            // in a request: request structs do not use it).
            if (!v.is_object()) wrong_type(v, "an object");
            out = v.get_object();
        } else if constexpr (detail::is_described<T>) {
            read_object(v, out);
        } else {
            static_assert(detail::always_false<T>, "type is not allowed in a message");
        }
    }

    template <class T>
    void read_object(const boost::json::value& v, T& out) {
        if (!v.is_object()) wrong_type(v, "an object");
        const auto& obj = v.get_object();
        using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
        std::size_t matched = 0;
        boost::mp11::mp_for_each<Members>([&](auto D) {
            auto key = detail::key_of(D.name);
            auto mark = path_.size();
            path_ += ".";
            path_ += key;
            auto it = obj.find(key);
            using M = std::remove_reference_t<decltype(out.*D.pointer)>;
            if (it == obj.end()) {
                if constexpr (!detail::is_optional<M>::value) fail(ErrorCode::missing_field, "is required");
            } else {
                ++matched;
                read(it->value(), out.*D.pointer);
            }
            path_.resize(mark);
        });
        if (options_.reject_unknown && matched != obj.size()) {
            for (const auto& kv : obj) {
                bool known = false;
                boost::mp11::mp_for_each<Members>(
                    [&](auto D) { known = known || detail::key_of(D.name) == kv.key(); });
                if (!known) {
                    path_ += ".";
                    path_ += printable_key(kv.key());
                    fail(ErrorCode::unknown_field, "is not a field of this message");
                }
            }
        }
    }

    [[noreturn]] void wrong_type(const boost::json::value& v, std::string_view expected) const {
        fail(ErrorCode::wrong_type,
             "must be " + std::string(expected) + ", not " + std::string(detail::kind_of(v)));
    }

    DecodeOptions options_;
    std::string path_;
};

// Encoding: the inverse of Decoder. Absent optionals are omitted.
template <class T>
boost::json::value encode_value(const T& v) {
    if constexpr (detail::custom_coded<T>) {
        return v.to_json();
    } else if constexpr (detail::is_optional<T>::value) {
        return v ? encode_value(*v) : boost::json::value(nullptr);
    } else if constexpr (std::is_same_v<T, bool>) {
        return boost::json::value(v);
    } else if constexpr (detail::is_int<T>::value) {
        return boost::json::value(v.value);
    } else if constexpr (detail::is_bounded<T>::value) {
        return boost::json::value(boost::json::string_view(v.data(), v.size()));
    } else if constexpr (std::is_enum_v<T>) {
        auto s = to_string(v);
        return boost::json::value(boost::json::string_view(s.data(), s.size()));
    } else if constexpr (detail::is_list<T>::value) {
        boost::json::array a;
        a.reserve(v.size());
        for (const auto& e : v) a.push_back(encode_value(e));
        return a;
    } else if constexpr (std::is_same_v<T, boost::json::object>) {
        return v;
    } else if constexpr (detail::is_described<T>) {
        boost::json::object o;
        using Members = boost::describe::describe_members<T, boost::describe::mod_public>;
        boost::mp11::mp_for_each<Members>([&](auto D) {
            const auto& m = v.*D.pointer;
            using M = std::remove_cvref_t<decltype(m)>;
            if constexpr (detail::is_optional<M>::value) {
                if (!m) return;
            }
            auto key = detail::key_of(D.name);
            o.emplace(boost::json::string_view(key.data(), key.size()), encode_value(m));
        });
        return o;
    } else {
        static_assert(detail::always_false<T>, "type is not allowed in a message");
    }
}

}  // namespace kamer::protocol
