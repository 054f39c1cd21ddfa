#include "kamer/client/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <random>

#include "kamer/protocol/close_codes.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace kamer::client {
namespace asio = boost::asio;
using protocol::ErrorCode;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// The answer to one request: its reply envelope, or the error that ends it.
struct Outcome {
    protocol::Envelope reply;
    std::exception_ptr error;
};
using OutcomeSlot = asio::experimental::channel<void(boost::system::error_code, Outcome)>;

struct Outgoing {
    std::string type;
    boost::json::value body;
    std::string id;
    std::optional<protocol::Actor> actor;
    std::shared_ptr<OutcomeSlot> slot;
};

// Refusals that a reconnect cannot cure: the organisation is unknown, suspended or revoked,
// or the certificates on either side are not accepted.
bool refused_for_good(std::uint16_t close_code) {
    using protocol::CloseCode;
    return close_code == static_cast<std::uint16_t>(CloseCode::organisation_unknown) ||
           close_code == static_cast<std::uint16_t>(CloseCode::organisation_suspended) ||
           close_code == static_cast<std::uint16_t>(CloseCode::certificate_revoked);
}

bool refused_for_good(const ConnectError& e) {
    if (refused_for_good(e.close_code())) return true;
    std::string what = e.what();
    return e.stage() == "tls" && (what.find("alert") != std::string::npos || what.find("verify failed") != std::string::npos ||
                                  what.find("cannot load") != std::string::npos);
}

bool worth_resending(ErrorCode code) {
    return code == ErrorCode::disconnected || code == ErrorCode::timeout || code == ErrorCode::unavailable ||
           code == ErrorCode::outcome_unknown;
}

}  // namespace

struct Session::Impl : std::enable_shared_from_this<Impl> {
    struct Followed {
        std::optional<std::string> position;  // cursor of the last event put in the inbox
        bool established = false;             // subscribed once: resubscribed on every connection
        std::shared_ptr<OutcomeSlot> first_answer;
    };

    Impl(asio::any_io_executor executor, SessionOptions o)
        : options(std::move(o)),
          strand(asio::make_strand(executor)),
          wake(strand),
          backoff_timer(strand),
          random(std::random_device{}()) {
        wake.expires_at(asio::steady_timer::time_point::max());
    }

    SessionOptions options;
    asio::strand<asio::any_io_executor> strand;
    std::deque<SessionEvent> inbox;  // received, not yet taken by next(); at most max_inbox
    asio::steady_timer wake;  // cancelled to wake every coroutine waiting for a change of state
    asio::steady_timer backoff_timer;
    std::mt19937_64 random;

    std::shared_ptr<Connection> connection;  // null while disconnected
    std::map<std::string, Followed> rooms;
    std::deque<std::shared_ptr<Outgoing>> queue;
    std::optional<std::pair<std::string, std::string>> taken;  // last event handed out: room, cursor
    std::uint64_t id_counter = 0;
    std::string id_prefix;
    bool ended = false;

    std::atomic<bool> is_connected{false};
    std::atomic<std::uint64_t> made{0};
    mutable std::mutex failure_mutex;
    std::string failure;

    void notify() {
        wake.cancel();
        wake.expires_at(asio::steady_timer::time_point::max());
    }

    asio::awaitable<void> wait_for_change() { co_await wake.async_wait(tuple_awaitable); }

    void state(const std::string& name, const std::string& detail) {
        if (options.on_state) options.on_state(name, detail);
    }

    std::chrono::milliseconds backoff(int attempt) {
        // "Full jitter": a random delay up to an exponentially growing cap, so that partner
        // systems cut off together do not all come back in the same millisecond.
        auto cap = options.backoff_initial * (std::int64_t{1} << std::min(attempt, 16));
        cap = std::min<std::chrono::milliseconds>(cap, options.backoff_max);
        return std::chrono::milliseconds(std::uniform_int_distribution<std::int64_t>(0, cap.count())(random));
    }

    asio::awaitable<void> pause(std::chrono::milliseconds delay) {
        backoff_timer.expires_after(delay);
        co_await backoff_timer.async_wait(tuple_awaitable);
    }

    void end(const std::string& why) {
        if (ended) return;
        ended = true;
        {
            std::lock_guard lock(failure_mutex);
            failure = why;
        }
        auto error = std::make_exception_ptr(RequestError(ErrorCode::disconnected, "the session has ended: " + why));
        for (auto& item : queue) item->slot->try_send(boost::system::error_code(), Outcome{{}, error});
        queue.clear();
        for (auto& [room, f] : rooms)
            if (f.first_answer) f.first_answer->try_send(boost::system::error_code(), Outcome{{}, error});
        backoff_timer.cancel();
        notify();
    }

    // Keeps a connection up until the session ends.
    asio::awaitable<void> run() {
        auto self = shared_from_this();
        for (int attempt = 0; !ended;) {
            std::shared_ptr<Connection> c;
            std::optional<ConnectError> refused;
            try {
                c = co_await Connection::connect(strand, options.connect);
            } catch (const ConnectError& e) {
                refused = e;
            }
            if (refused) {
                if (ended) break;
                if (refused_for_good(*refused)) {
                    state("failed", refused->what());
                    end(refused->what());
                    break;
                }
                state("disconnected", refused->what());
                co_await pause(backoff(attempt++));
                continue;
            }
            if (ended) {
                co_await c->close();
                break;
            }
            attempt = 0;
            connection = c;
            is_connected = true;
            ++made;
            state("connected", std::string(c->welcome().server));
            for (auto& [room, f] : rooms) asio::co_spawn(strand, subscribe(room, c), asio::detached);
            notify();
            co_await pump(c);
            connection.reset();
            is_connected = false;
            if (ended) break;
            std::string why = c->close_code() ? "close code " + std::to_string(c->close_code()) : "connection lost";
            if (refused_for_good(c->close_code())) {
                state("failed", why);
                end(why);
                break;
            }
            state("disconnected", why);
            co_await pause(backoff(attempt++));
        }
    }

    // Moves what the server pushes into the inbox until the connection ends. The position of a
    // room advances only as its events enter the inbox, so a reconnect resumes right after
    // the last event received and the application never sees one twice or misses one.
    asio::awaitable<void> pump(std::shared_ptr<Connection> c) {
        for (;;) {
            protocol::Envelope env;
            try {
                env = co_await c->receive();
            } catch (const RequestError&) {
                co_return;
            }
            std::optional<protocol::Events> events;
            std::optional<protocol::Notice> notice;
            bool unreadable = false;
            try {
                if (env.type == protocol::Events::type)
                    events = protocol::decode_body<protocol::Events>(env, protocol::DecodeOptions{false});
                else if (env.type == protocol::Notice::type)
                    notice = protocol::decode_body<protocol::Notice>(env, protocol::DecodeOptions{false});
            } catch (const protocol::ProtocolError&) {
                unreadable = true;
            }
            if (unreadable) {
                // Skipping it would leave a gap: drop the connection and resume instead.
                state("disconnected", "the server sent a message this library cannot read");
                co_await c->close();
                co_return;
            }
            if (events) {
                std::string room(events->room);
                for (auto& e : events->events) {
                    if (!co_await room_in_inbox()) co_return;  // the session ended
                    auto it = rooms.find(room);
                    if (it == rooms.end()) break;  // unfollowed meanwhile
                    it->second.position = std::string(e.cursor);
                    inbox.push_back({room, std::string(e.cursor), std::move(e.entry), true});
                    notify();
                }
            } else if (notice) {
                if (!co_await room_in_inbox()) co_return;
                inbox.push_back({std::string(notice->room), {}, std::move(notice->entry), false});
                notify();
            }
        }
    }

    // Waits while the inbox is full: the server then holds the stream (and, if the application
    // stays away long enough, closes the connection as a slow consumer; it resumes later).
    asio::awaitable<bool> room_in_inbox() {
        while (!ended && inbox.size() >= options.max_inbox) co_await wait_for_change();
        co_return !ended;
    }

    asio::awaitable<void> subscribe(std::string room, std::shared_ptr<Connection> c) {
        auto self = shared_from_this();
        for (int attempt = 0;; ++attempt) {
            auto it = rooms.find(room);
            if (it == rooms.end() || connection != c) co_return;
            protocol::Subscribe s;
            s.room = room;
            if (it->second.position) s.after = *it->second.position;
            std::optional<RequestError> failed;
            try {
                co_await c->call(s);
            } catch (const RequestError& e) {
                failed = e;
            }
            if (failed) {
                if (failed->code() == ErrorCode::disconnected) co_return;  // the next connection subscribes again
                if (failed->code() == ErrorCode::unavailable) {
                    co_await pause(backoff(attempt));
                    continue;
                }
                // A timeout: no page of the catch-up came for that long. The server may still
                // stream it, and a dead connection is found by its pings: the subscription stands.
                if (failed->code() != ErrorCode::timeout)
                    co_return refuse(room, std::make_exception_ptr(*failed), failed->what());
            }
            it = rooms.find(room);
            if (it == rooms.end()) co_return;
            it->second.established = true;
            if (auto first = std::exchange(it->second.first_answer, nullptr))
                first->try_send(boost::system::error_code(), Outcome{});
            co_return;
        }
    }

    // The server will not stream this room (any more): for example the organisation was removed.
    void refuse(const std::string& room, std::exception_ptr error, const std::string& why) {
        auto it = rooms.find(room);
        if (it == rooms.end()) return;
        if (it->second.first_answer) it->second.first_answer->try_send(boost::system::error_code(), Outcome{{}, error});
        else state("unfollowed", room + ": " + why);
        rooms.erase(it);
    }

    asio::awaitable<void> send_loop() {
        auto self = shared_from_this();
        int attempt = 0;
        while (!ended) {
            if (queue.empty() || !connection) {
                co_await wait_for_change();
                continue;
            }
            auto item = queue.front();
            auto c = connection;
            std::optional<RequestError> failed;
            try {
                auto reply = co_await c->call_raw(item->type, item->body, item->id, item->actor);
                finish(item, Outcome{std::move(reply), nullptr});
                attempt = 0;
                continue;
            } catch (const RequestError& e) {
                failed = e;
            }
            if (!worth_resending(failed->code())) {
                finish(item, Outcome{{}, std::make_exception_ptr(*failed)});
                continue;
            }
            // Resent with the same id: the server applies a change once and answers the resend
            // with the stored reply.
            if (failed->code() == ErrorCode::disconnected) {
                while (!ended && connection == c) co_await wait_for_change();
            } else {
                co_await pause(backoff(attempt++));
            }
        }
    }

    void finish(const std::shared_ptr<Outgoing>& item, Outcome outcome) {
        if (!queue.empty() && queue.front() == item) queue.pop_front();
        item->slot->try_send(boost::system::error_code(), std::move(outcome));
    }

    asio::awaitable<protocol::Envelope> call(std::string type, boost::json::value body, std::optional<std::string> id,
                                             std::optional<protocol::Actor> actor) {
        auto self = shared_from_this();
        if (ended) throw RequestError(ErrorCode::disconnected, "the session has ended");
        if (queue.size() >= options.max_queued)
            throw RequestError(ErrorCode::queue_full, std::to_string(queue.size()) + " requests are already waiting");
        auto item = std::make_shared<Outgoing>();
        item->type = std::move(type);
        item->body = std::move(body);
        item->id = id ? *id : id_prefix + std::to_string(++id_counter);
        item->actor = std::move(actor);
        item->slot = std::make_shared<OutcomeSlot>(strand, 1);
        queue.push_back(item);
        notify();
        auto [ec, outcome] = co_await item->slot->async_receive(tuple_awaitable);
        if (ec) throw RequestError(ErrorCode::disconnected, "the session has ended");
        if (outcome.error) std::rethrow_exception(outcome.error);
        co_return std::move(outcome.reply);
    }

    asio::awaitable<void> follow(std::string room, std::optional<std::string> after) {
        auto self = shared_from_this();
        if (ended) throw RequestError(ErrorCode::disconnected, "the session has ended");
        if (rooms.count(room)) co_return;
        Followed f;
        f.position = after ? after : options.positions ? options.positions->load(room) : std::nullopt;
        auto first = std::make_shared<OutcomeSlot>(strand, 1);
        f.first_answer = first;
        rooms.emplace(room, std::move(f));
        if (connection) asio::co_spawn(strand, subscribe(room, connection), asio::detached);
        auto [ec, outcome] = co_await first->async_receive(tuple_awaitable);
        if (ec) throw RequestError(ErrorCode::disconnected, "the session has ended");
        if (outcome.error) std::rethrow_exception(outcome.error);
    }

    asio::awaitable<void> unfollow(std::string room) {
        auto self = shared_from_this();
        if (!rooms.erase(room) || !connection) co_return;
        protocol::Unsubscribe u;
        u.room = room;
        try {
            co_await connection->call(u);
        } catch (const RequestError&) {
            // Not streaming any more either way.
        }
    }

    void save_taken() {
        if (taken && options.positions) options.positions->save(taken->first, taken->second);
        taken.reset();
    }

    asio::awaitable<std::optional<SessionEvent>> next(std::optional<std::chrono::milliseconds> timeout) {
        auto self = shared_from_this();
        save_taken();  // asking for the next event means the previous one was processed
        std::optional<asio::steady_timer> deadline;
        auto expired = std::make_shared<bool>(false);  // outlives this frame if the handler is late
        if (timeout) {
            deadline.emplace(strand, *timeout);
            deadline->async_wait([self, expired](boost::system::error_code ec) {
                if (ec) return;
                *expired = true;
                self->notify();
            });
        }
        while (inbox.empty() && !ended && !*expired) co_await wait_for_change();
        if (deadline) deadline->cancel();
        if (inbox.empty()) {
            if (!ended) co_return std::nullopt;
            std::lock_guard lock(failure_mutex);
            throw RequestError(ErrorCode::disconnected, "the session has ended: " + failure);
        }
        auto event = std::move(inbox.front());
        inbox.pop_front();
        notify();  // room in the inbox again
        if (event.room_event) taken.emplace(event.room, event.cursor);
        co_return std::move(event);
    }

    asio::awaitable<void> close() {
        auto self = shared_from_this();
        save_taken();
        auto c = connection;
        end("closed by the application");
        if (c) co_await c->close();
    }
};

Session::Session(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Session::~Session() {
    asio::post(impl_->strand, [impl = impl_] {
        auto c = impl->connection;
        impl->end("closed by the application");
        if (c) asio::co_spawn(impl->strand, c->close(), asio::detached);
    });
}

std::shared_ptr<Session> Session::create(asio::any_io_executor executor, SessionOptions options) {
    auto impl = std::make_shared<Impl>(executor, std::move(options));
    impl->id_prefix = "s" + std::to_string(std::random_device{}()) + "-";
    asio::co_spawn(impl->strand, impl->run(), asio::detached);
    asio::co_spawn(impl->strand, impl->send_loop(), asio::detached);
    return std::shared_ptr<Session>(new Session(impl));
}

asio::awaitable<void> Session::follow(std::string room, std::optional<std::string> after) {
    co_await asio::co_spawn(impl_->strand, impl_->follow(std::move(room), std::move(after)), asio::use_awaitable);
}

asio::awaitable<void> Session::unfollow(std::string room) {
    co_await asio::co_spawn(impl_->strand, impl_->unfollow(std::move(room)), asio::use_awaitable);
}

asio::awaitable<SessionEvent> Session::next() {
    co_return *co_await asio::co_spawn(impl_->strand, impl_->next(std::nullopt), asio::use_awaitable);
}

asio::awaitable<std::optional<SessionEvent>> Session::next_for(std::chrono::milliseconds timeout) {
    co_return co_await asio::co_spawn(impl_->strand, impl_->next(timeout), asio::use_awaitable);
}

asio::awaitable<protocol::Envelope> Session::call_raw(std::string type, boost::json::value body,
                                                      std::optional<std::string> id,
                                                      std::optional<protocol::Actor> actor) {
    co_return co_await asio::co_spawn(impl_->strand,
                                      impl_->call(std::move(type), std::move(body), std::move(id), std::move(actor)),
                                      asio::use_awaitable);
}

asio::awaitable<void> Session::close() { co_await asio::co_spawn(impl_->strand, impl_->close(), asio::use_awaitable); }

bool Session::connected() const { return impl_->is_connected; }

std::uint64_t Session::connections_made() const { return impl_->made; }

std::string Session::failure() const {
    std::lock_guard lock(impl_->failure_mutex);
    return impl_->failure;
}

}  // namespace kamer::client
