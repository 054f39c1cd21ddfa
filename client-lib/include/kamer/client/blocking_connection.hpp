#pragma once
// A blocking facade over Connection, for programs that do not use Asio: it runs its own I/O
// thread. Thread-safety: call() may be used from several threads at once; receive() from one.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "kamer/client/connection.hpp"

namespace kamer::client {

class BlockingConnection {
public:
    // Connects and greets; throws ConnectError.
    explicit BlockingConnection(ConnectOptions options);
    ~BlockingConnection();
    BlockingConnection(const BlockingConnection&) = delete;
    BlockingConnection& operator=(const BlockingConnection&) = delete;

    const protocol::Welcome& welcome() const { return connection_->welcome(); }

    // Throws RequestError.
    template <class Request>
    typename Request::reply call(const Request& request, std::optional<std::string> id = {},
                                 std::optional<protocol::Actor> actor = {}) {
        return wait(connection_->call(request, std::move(id), std::move(actor)));
    }
    protocol::Envelope call_raw(std::string type, boost::json::value body, std::optional<std::string> id = {},
                                std::optional<protocol::Actor> actor = {});

    // The next server-initiated message, or nullopt after `timeout`. Throws RequestError
    // (disconnected) when the connection has ended and no message is left.
    std::optional<protocol::Envelope> receive(std::chrono::milliseconds timeout);

    void send_raw(std::string text);
    void close();
    std::uint16_t close_code() const { return connection_->close_code(); }
    std::string next_id() { return connection_->next_id(); }

private:
    template <class T>
    T wait(boost::asio::awaitable<T> operation) {
        return boost::asio::co_spawn(io_, std::move(operation), boost::asio::use_future).get();
    }
    void wait(boost::asio::awaitable<void> operation) {
        boost::asio::co_spawn(io_, std::move(operation), boost::asio::use_future).get();
    }
    boost::asio::awaitable<void> pump();

    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
    std::shared_ptr<Connection> connection_;

    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<protocol::Envelope> inbox_;
    bool ended_ = false;
};

}  // namespace kamer::client
