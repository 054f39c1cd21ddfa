#include "ops/readiness_probe.hpp"

#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace kamer::server::ops {

ReadinessProbe::ReadinessProbe(boost::asio::io_context& io, store::ReaderPool& readers)
    : timer_(io), readers_(readers) {}

void ReadinessProbe::start() { schedule(); }

void ReadinessProbe::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        state_ = {false, "shutting down"};
    }
    timer_.cancel();
}

Readiness ReadinessProbe::current() const {
    std::lock_guard lock(mutex_);
    return state_;
}

void ReadinessProbe::set(bool ready, std::string reason) {
    static auto logger = log::get("ops");
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (ready != state_.ready) log::info(*logger, ready ? "node.ready" : "node.not_ready", {{"reason", reason}});
    state_ = {ready, std::move(reason)};
}

void ReadinessProbe::schedule() {
    // Sampled here, once a second: the read pool's use for /metrics.
    static auto& busy = obs::metrics().gauge("kamer_db_readers_busy", "Read connections running a query");
    static auto& size = obs::metrics().gauge("kamer_db_readers", "Read connections in the pool");
    static auto& queued = obs::metrics().gauge("kamer_db_reader_queue_depth", "Reads waiting for a connection");
    busy.set(readers_.busy());
    size.set(readers_.size());
    queued.set(static_cast<std::int64_t>(readers_.queued()));
    bool posted = readers_.post([this](pqxx::connection* db) {
        if (!db) return set(false, "database unreachable");
        try {
            int have = store::current_version(*db), want = store::latest_migration_version();
            if (have != want)
                return set(false, "schema version " + std::to_string(have) + ", this build needs " + std::to_string(want));
            set(true, "");
        } catch (const std::exception& e) {
            set(false, "database: " + store::error_reason(e));
            throw;  // the pool replaces a broken connection
        }
    });
    if (!posted) set(false, "reader queue full");
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) schedule();
    });
}

}  // namespace kamer::server::ops
