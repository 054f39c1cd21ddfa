#include "store/reader_pool.hpp"

#include "obs/log.hpp"
#include "store/database.hpp"
#include "util/named_thread.hpp"

namespace kamer::server::store {

ReaderPool::ReaderPool(std::string url, unsigned size, std::size_t max_queue)
    : url_(std::move(url)), size_(size), max_queue_(max_queue) {}

ReaderPool::~ReaderPool() { stop(); }

bool ReaderPool::post(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queue_) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

std::size_t ReaderPool::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void ReaderPool::start() {
    for (unsigned i = 0; i < size_; ++i) threads_.push_back(named_thread("kamerd-reader", [this] { run(); }));
}

void ReaderPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

void ReaderPool::run() {
    auto logger = log::get("store");
    std::unique_ptr<pqxx::connection> connection;
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        ++busy_;
        if (!connection || !connection->is_open() || drop_if_ended(connection, "reader")) {
            try {
                connection = connect(url_);
            } catch (const std::exception& e) {
                connection.reset();
                log::warn(*logger, "reader.connect_failed", {{"reason", error_reason(e)}});
            }
        }
        try {
            job(connection.get());
        } catch (const pqxx::broken_connection&) {
            connection.reset();
        } catch (const std::exception& e) {
            log::error(*logger, "reader.job_failed", {{"reason", error_reason(e)}});
        }
        --busy_;
    }
}

}  // namespace kamer::server::store
