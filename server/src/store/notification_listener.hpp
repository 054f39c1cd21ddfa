#pragma once
// A thread that LISTENs on PostgreSQL channels. Notifications are collected and handed over in
// batches, with the listening connection, outside libpqxx's receiver callbacks (where running
// a query is not safe); one that arrives while a batch is handled comes in the next. After
// every (re)connection `on_connected` runs first, because notifications sent while
// disconnected are lost: the owner reloads what it caches, and after a reconnection learns
// when the lost connection was last known to be listening.
#include <pqxx/connection>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kamer::server::store {

class NotificationListener {
public:
    // The time is empty at the first connection.
    using OnConnected =
        std::function<void(pqxx::connection&, std::optional<std::chrono::system_clock::time_point> heard_until)>;
    struct Notification {
        std::string channel;
        std::string payload;
    };
    using OnBatch = std::function<void(pqxx::connection&, const std::vector<Notification>&)>;

    NotificationListener(std::string url, std::vector<std::string> channels, OnConnected on_connected,
                         OnBatch on_batch);
    ~NotificationListener();

    void start();
    void stop();
    bool connected() const { return connected_.load(); }

private:
    void run();

    std::string url_;
    std::vector<std::string> channels_;
    OnConnected on_connected_;
    OnBatch on_batch_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> connected_{false};
    std::thread thread_;
};

}  // namespace kamer::server::store
