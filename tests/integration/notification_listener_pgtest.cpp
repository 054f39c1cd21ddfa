// The notification listener hands every notification to its owner, also one that arrives while
// the owner is handling the previous batch. kamerd reloads its partner registry on each
// registry notification: one dropped at the wrong moment left a newly registered (or
// suspended) organisation unknown to kamerd until the next change.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
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
        database.runtime_url(), {"kamer_test"}, [&](pqxx::connection&) { handed.connected(); },
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

}  // namespace
}  // namespace kamer::test
