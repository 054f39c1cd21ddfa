#pragma once
// Session messages: the greeting, keep-alive and the error reply.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/fields.hpp"
#include "kamer/protocol/vocabulary.hpp"

namespace kamer::protocol {

struct Organisation {
    Oin oin;
    Name name;
    Sector sector;
};
BOOST_DESCRIBE_STRUCT(Organisation, (), (oin, name, sector))

// What the server enforces on this session, so that clients can stay within it.
struct SessionLimits {
    Int<0, INT64_MAX> max_message_bytes;
    Int<0, 1000> max_depth;
    Int<0, 100000> max_in_flight;
    Int<0, 86400> idle_timeout_seconds;
    Int<0, 1000000> messages_per_second;
};
BOOST_DESCRIBE_STRUCT(SessionLimits, (), (max_message_bytes, max_depth, max_in_flight,
                                          idle_timeout_seconds, messages_per_second))

struct Welcome {
    static constexpr std::string_view type = "welcome";
    Organisation organisation;
    Uuid session;
    Name server;
    SessionLimits limits;
    Timestamp time;
    // The request types this server handles, so a client can tell what a server version offers.
    List<Token, 256> requests;
};
BOOST_DESCRIBE_STRUCT(Welcome, (), (organisation, session, server, limits, time, requests))

// First message of every session. `actor` is the default professional for later messages.
struct Hello {
    static constexpr std::string_view type = "hello";
    using reply = Welcome;
    Name client;
    std::optional<Actor> actor;
};
BOOST_DESCRIBE_STRUCT(Hello, (), (client, actor))

struct Pong {
    static constexpr std::string_view type = "pong";
    Timestamp time;
};
BOOST_DESCRIBE_STRUCT(Pong, (), (time))

struct Ping {
    static constexpr std::string_view type = "ping";
    using reply = Pong;
};
BOOST_DESCRIBE_STRUCT(Ping, (), ())

// The reply to a request that failed, and the notice before the server closes a session.
struct ErrorReply {
    static constexpr std::string_view type = "error";
    Token code;  // an ErrorCode name; clients map unknown names to `internal`
    Text message;
    std::optional<Name> path;
};
BOOST_DESCRIBE_STRUCT(ErrorReply, (), (code, message, path))

inline ErrorReply make_error_reply(const Error& e) {
    ErrorReply r;
    r.code = std::string(to_string(e.code));
    r.message = e.message.substr(0, tags::Text::max_bytes);
    if (!e.path.empty()) r.path = e.path.substr(0, tags::Name::max_bytes);
    return r;
}

}  // namespace kamer::protocol
