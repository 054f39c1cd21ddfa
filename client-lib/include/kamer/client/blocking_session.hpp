#pragma once
// A blocking facade over Session, for programs that do not use Asio: it runs its own I/O
// thread. Thread-safety: call() may be used from several threads at once; next() from one
// thread at a time.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <atomic>
#include <thread>

#include "kamer/client/session.hpp"

namespace kamer::client {

class BlockingSession {
public:
    explicit BlockingSession(SessionOptions options);  // starts connecting; does not wait
    ~BlockingSession();                                // close()
    BlockingSession(const BlockingSession&) = delete;
    BlockingSession& operator=(const BlockingSession&) = delete;

    // True once connected; false when `timeout` passed first or the session was refused.
    bool wait_connected(std::chrono::milliseconds timeout);

    void follow(const std::string& room, std::optional<std::string> after = {}) {
        wait(session_->follow(room, std::move(after)));
    }
    void unfollow(const std::string& room) { wait(session_->unfollow(room)); }

    // The next event, or nullopt after `timeout`. Throws RequestError(disconnected) once ended.
    std::optional<SessionEvent> next(std::chrono::milliseconds timeout) { return wait(session_->next_for(timeout)); }

    // Throws RequestError; see Session::call.
    template <class Request>
    typename Request::reply call(const Request& request, std::optional<std::string> id = {},
                                 std::optional<protocol::Actor> actor = {}) {
        return wait(session_->call(request, std::move(id), std::move(actor)));
    }
    protocol::Envelope call_raw(std::string type, boost::json::value body, std::optional<std::string> id = {}) {
        return wait(session_->call_raw(std::move(type), std::move(body), std::move(id)));
    }

    void close();
    Session& session() { return *session_; }

private:
    template <class T>
    T wait(boost::asio::awaitable<T> operation) {
        return boost::asio::co_spawn(io_, std::move(operation), boost::asio::use_future).get();
    }
    void wait(boost::asio::awaitable<void> operation) {
        boost::asio::co_spawn(io_, std::move(operation), boost::asio::use_future).get();
    }

    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
    std::atomic<bool> stopped_{false};
    std::shared_ptr<Session> session_;
};

}  // namespace kamer::client
