#pragma once
// A Session is what a partner system keeps open all day: it outlives connections. It
// reconnects with backoff and jitter, resumes every followed room after the last event it
// received (so the application sees every entry once, in order, without gaps), and retries
// each request with its client message id until it has an answer (so a change is applied
// once however often it is resent).
//
// Thread-safety: every member function may be called from any thread; the session runs on its
// own strand and awaiting functions resume there. One coroutine at a time may await next().
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kamer/client/connection.hpp"
#include "kamer/client/position_store.hpp"
#include "kamer/protocol/messages/entries.hpp"

namespace kamer::client {

struct SessionOptions {
    ConnectOptions connect;
    std::chrono::milliseconds backoff_initial{100};  // first reconnect delay (before jitter)
    std::chrono::milliseconds backoff_max{10000};    // the delay doubles up to this
    std::size_t max_queued = 1000;                   // requests waiting for an answer; more: queue_full
    std::size_t max_inbox = 10000;                   // events received, not yet taken by next()
    // Where positions are kept across restarts of the partner system (optional). A position
    // is saved once the application has taken the event after it (it processed this one).
    std::shared_ptr<PositionStore> positions;
    // Told of every change of connection state, e.g. for logs: "connected", "disconnected"
    // (with the reason; a reconnect follows) or "failed" (refused for good, see below).
    std::function<void(const std::string& state, const std::string& detail)> on_state;
};

// One entry of a followed room, or (room_event == false) a notice about this organisation
// (an invitation or removal) that arrived outside any room stream.
struct SessionEvent {
    std::string room;
    std::string cursor;  // empty for notices
    protocol::Entry entry;
    bool room_event = true;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    // Starts connecting in the background at once.
    static std::shared_ptr<Session> create(boost::asio::any_io_executor executor, SessionOptions options);
    ~Session();

    // Follows a room from `after` (a cursor), else from the saved position, else from its
    // beginning; on every later connection it resumes where the stream stood.
    boost::asio::awaitable<void> follow(std::string room, std::optional<std::string> after = {});
    boost::asio::awaitable<void> unfollow(std::string room);

    // The next event of any followed room (or notice), in the order received. Throws
    // RequestError(disconnected) once the session is closed, or refused for good and every
    // event received before is taken. next_for() gives nullopt when none came in `timeout`.
    boost::asio::awaitable<SessionEvent> next();
    boost::asio::awaitable<std::optional<SessionEvent>> next_for(std::chrono::milliseconds timeout);

    // Sends a request and waits for its answer, across reconnects: it is resent with the same
    // `id` (made up when not given) after a disconnect, a timeout, `unavailable` or
    // `outcome_unknown`. Throws RequestError: queue_full at once when max_queued requests are
    // waiting; the server's error when it refuses; disconnected when the session ends.
    template <class Request>
    boost::asio::awaitable<typename Request::reply> call(const Request& request, std::optional<std::string> id = {},
                                                         std::optional<protocol::Actor> actor = {}) {
        auto envelope = co_await call_raw(std::string(Request::type), protocol::encode_value(request), std::move(id),
                                          std::move(actor));
        co_return Connection::decode_reply<typename Request::reply>(envelope);
    }
    boost::asio::awaitable<protocol::Envelope> call_raw(std::string type, boost::json::value body,
                                                        std::optional<std::string> id = {},
                                                        std::optional<protocol::Actor> actor = {});

    // Saves the position of the last event taken, closes the connection and ends the session.
    boost::asio::awaitable<void> close();

    bool connected() const;
    std::uint64_t connections_made() const;  // 1 after the first connection, +1 per reconnect

    // Why the session ended for good (empty while it runs): e.g. close code 4002.
    std::string failure() const;

private:
    struct Impl;
    explicit Session(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

}  // namespace kamer::client
