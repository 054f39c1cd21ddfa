#include "store/notification_listener.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <optional>

#include "obs/log.hpp"
#include "store/database.hpp"
#include "util/named_thread.hpp"

namespace kamer::server::store {
namespace {

using Batch = std::vector<NotificationListener::Notification>;

class Receiver : public pqxx::notification_receiver {
public:
    Receiver(pqxx::connection_base& c, const std::string& channel, Batch& batch)
        : pqxx::notification_receiver(c, channel), batch_(batch) {}
    void operator()(const std::string& payload, int) override { batch_.push_back({channel(), payload}); }

private:
    Batch& batch_;
};

}  // namespace

NotificationListener::NotificationListener(std::string url, std::vector<std::string> channels,
                                           OnConnected on_connected, OnBatch on_batch)
    : url_(std::move(url)),
      channels_(std::move(channels)),
      on_connected_(std::move(on_connected)),
      on_batch_(std::move(on_batch)) {}

NotificationListener::~NotificationListener() { stop(); }

void NotificationListener::start() { thread_ = named_thread("kamerd-listen", [this] { run(); }); }

void NotificationListener::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void NotificationListener::run() {
    auto logger = log::get("store");
    auto backoff = std::chrono::milliseconds(100);
    // When the listening connection was last known to be listening.
    std::optional<std::chrono::system_clock::time_point> heard;
    while (!stopping_) {
        try {
            auto connection = connect(url_);
            Batch batch;
            std::vector<std::unique_ptr<Receiver>> receivers;
            for (const auto& ch : channels_) receivers.push_back(std::make_unique<Receiver>(*connection, ch, batch));
            // LISTEN is issued lazily by libpqxx; run a statement so it is in place before the reload.
            pqxx::nontransaction(*connection).exec("SELECT 1");
            on_connected_(*connection, heard);
            connected_ = true;
            backoff = std::chrono::milliseconds(100);
            log::info(*logger, "listener.connected", {{"channels", std::uint64_t(channels_.size())}});
            while (!stopping_) {
                // A wait that ends normally had the connection listening when it began (one that
                // ends when the server ended the connection returns once at most, having read
                // the server's farewell; the next one throws).
                auto waiting_since = std::chrono::system_clock::now();
                if (batch.empty()) connection->await_notification(0, 200 * 1000);
                heard = waiting_since;
                if (batch.empty()) continue;
                // libpqxx calls the receivers from any statement run outside a transaction, such
                // as the rollback that ends a read: a handler's own queries can add to `batch`.
                // Hand over what is there and keep what arrives meanwhile for the next round.
                Batch ready;
                ready.swap(batch);
                on_batch_(*connection, ready);
            }
        } catch (const std::exception& e) {
            if (connected_.exchange(false)) log::warn(*logger, "listener.disconnected", {{"reason", error_reason(e)}});
            auto until = std::chrono::steady_clock::now() + backoff;
            while (!stopping_ && std::chrono::steady_clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        }
    }
    connected_ = false;
}

}  // namespace kamer::server::store
