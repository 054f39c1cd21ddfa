#pragma once
// One partner organisation at the table, for integration tests: its connection, typed calls,
// and the events it has received.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "harness.hpp"
#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/messages/entries.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/meetings.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace kamer::test {

struct ReceivedEvent {
    std::string room;
    std::string cursor;
    protocol::Entry entry;
};

class Member {
public:
    Member(const std::string& slug, std::uint16_t port);

    template <class Request>
    typename Request::reply call(const Request& request, std::optional<std::string> id = {}) {
        return connection_.call(request, std::move(id));
    }
    // The error code a request fails with (fails the test when it succeeds).
    template <class Request>
    protocol::ErrorCode refused(const Request& request) {
        try {
            connection_.call(request);
        } catch (const client::RequestError& e) {
            return e.code();
        }
        ADD_FAILURE() << slug_ << ": " << Request::type << " was accepted";
        return protocol::ErrorCode::internal;
    }

    // Subscribes and returns the events received before the reply (the catch-up).
    std::vector<ReceivedEvent> subscribe(const std::string& room, std::optional<std::string> after = {});

    // Events that arrive within `quiet` of each other (stops at the first quiet period).
    std::vector<ReceivedEvent> events(std::chrono::milliseconds quiet = std::chrono::milliseconds(400));
    // Waits until an event of `kind` arrives (other events are kept); fails after `timeout`.
    ReceivedEvent wait_for(const std::string& kind, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    std::vector<protocol::Envelope> notices;  // notice messages seen so far

    client::BlockingConnection& connection() { return connection_; }
    const std::string& oin() const { return oin_; }
    const std::string& slug() const { return slug_; }

private:
    void take(const protocol::Envelope& env, std::vector<ReceivedEvent>& into);

    std::string slug_;
    std::string oin_;
    client::BlockingConnection connection_;
    std::vector<ReceivedEvent> pending_;
};

// The date `days` from today (local time, as the server counts dates), as YYYY-MM-DD.
std::string date_offset(int days);

// Texts of the entries of a kind (or of all), to compare what members saw.
std::vector<std::string> kinds(const std::vector<ReceivedEvent>& events);
std::vector<std::string> texts(const std::vector<ReceivedEvent>& events);

}  // namespace kamer::test
