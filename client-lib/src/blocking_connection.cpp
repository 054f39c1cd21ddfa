#include "kamer/client/blocking_connection.hpp"

#include <boost/asio/detached.hpp>

namespace kamer::client {
namespace asio = boost::asio;

BlockingConnection::BlockingConnection(ConnectOptions options) : work_(io_.get_executor()) {
    thread_ = std::thread([this] { io_.run(); });
    try {
        connection_ = wait(Connection::connect(io_.get_executor(), std::move(options)));
    } catch (...) {
        work_.reset();
        io_.stop();
        thread_.join();
        throw;
    }
    asio::co_spawn(io_, pump(), asio::detached);
}

BlockingConnection::~BlockingConnection() {
    try {
        close();
    } catch (...) {
    }
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
}

asio::awaitable<void> BlockingConnection::pump() {
    for (;;) {
        try {
            auto env = co_await connection_->receive();
            std::lock_guard lock(mutex_);
            inbox_.push_back(std::move(env));
        } catch (const RequestError&) {
            std::lock_guard lock(mutex_);
            ended_ = true;
            arrived_.notify_all();
            co_return;
        }
        arrived_.notify_all();
    }
}

protocol::Envelope BlockingConnection::call_raw(std::string type, boost::json::value body,
                                                std::optional<std::string> id, std::optional<protocol::Actor> actor) {
    return wait(connection_->call_raw(std::move(type), std::move(body), std::move(id), std::move(actor)));
}

std::optional<protocol::Envelope> BlockingConnection::receive(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, timeout, [&] { return !inbox_.empty() || ended_; });
    if (!inbox_.empty()) {
        auto env = std::move(inbox_.front());
        inbox_.pop_front();
        return env;
    }
    if (ended_) throw RequestError(protocol::ErrorCode::disconnected, "the connection has ended");
    return std::nullopt;
}

void BlockingConnection::send_raw(std::string text) { wait(connection_->send_raw(std::move(text))); }

void BlockingConnection::close() {
    if (connection_) wait(connection_->close());
}

}  // namespace kamer::client
