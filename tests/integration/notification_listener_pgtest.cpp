// The notification listener hands every notification to its owner, also one that arrives while
// the owner is handling the previous batch. kamerd reloads its partner registry on each
// registry notification: one dropped at the wrong moment left a newly registered (or
// suspended) organisation unknown to kamerd until the next change. After a reconnection the
// owner learns when the lost connection was last heard, so that it can look up what it missed.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "store/notification_listener.hpp"

namespace kamer::test {
namespace {

using server::store::NotificationListener;

class Handed {
public:
    void connected() {
        std::lock_guard lock(mutex_);
        connected_ = true;
        changed_.notify_all();
    }
    void add(const std::string& payload) {
        std::lock_guard lock(mutex_);
        payloads_.push_back(payload);
        changed_.notify_all();
    }
    bool wait_connected() {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return connected_; });
    }
    std::vector<std::string> wait_for(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return payloads_.size() >= count; });
        return payloads_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool connected_ = false;
    std::vector<std::string> payloads_;
};

TEST(NotificationListener, ANotificationArrivingWhileABatchIsHandledIsHandedOverNext) {
    TestDatabase database;
    Handed handed;
    NotificationListener listener(
        database.runtime_url(), {"kamer_test"}, [&](pqxx::connection&, auto) { handed.connected(); },
        [&](pqxx::connection& c, const std::vector<NotificationListener::Notification>& batch) {
            for (const auto& n : batch) {
                handed.add(n.payload);
                if (n.payload != "first") continue;
                // While this batch is handled, the next notification arrives (sent here, on the
                // listening connection, so that it is surely there) and the handler reads, as
                // kamerd's registry reload does. libpqxx hands the notification to the listener
                // when that read transaction ends.
                pqxx::work notify(c);
                notify.exec("NOTIFY kamer_test, 'second'");
                notify.commit();
                pqxx::read_transaction reload(c);
                reload.exec("SELECT 1");
            }
        });
    listener.start();
    ASSERT_TRUE(handed.wait_connected());

    pqxx::connection sender(database.runtime_url());
    pqxx::nontransaction(sender).exec("NOTIFY kamer_test, 'first'");

    EXPECT_EQ(handed.wait_for(2), (std::vector<std::string>{"first", "second"}));
    listener.stop();
}

TEST(NotificationListener, AfterAReconnectionTheOwnerLearnsWhenTheLostConnectionWasLastHeard) {
    using Clock = std::chrono::system_clock;
    TestDatabase database;
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::optional<Clock::time_point>> connections;  // what each on_connected was given
    std::vector<Clock::time_point> at;                          // and when it ran
    NotificationListener listener(
        database.runtime_url(), {"kamer_test"},
        [&](pqxx::connection&, std::optional<Clock::time_point> heard_until) {
            std::lock_guard lock(mutex);
            connections.push_back(heard_until);
            at.push_back(Clock::now());
            changed.notify_all();
        },
        [](pqxx::connection&, const std::vector<NotificationListener::Notification>&) {});
    auto wait_for = [&](std::size_t count) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(10), [&] { return connections.size() >= count; });
    };
    listener.start();
    ASSERT_TRUE(wait_for(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a few waits on the connection
    {
        pqxx::connection admin(database.owner_url());
        pqxx::nontransaction(admin).exec_params(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = $1 AND usename = 'kamer_app'",
            database.name());
    }
    auto ended = Clock::now();  // pg_terminate_backend waited for the backend to exit
    ASSERT_TRUE(wait_for(2)) << "the listener did not connect again";
    listener.stop();
    std::lock_guard lock(mutex);
    EXPECT_FALSE(connections[0]) << "the first connection lost nothing";
    ASSERT_TRUE(connections[1]);
    EXPECT_GT(*connections[1], at[0]) << "not heard after the first connection";
    EXPECT_LE(*connections[1], ended) << "heard after it was ended";
}

}  // namespace
}  // namespace kamer::test
