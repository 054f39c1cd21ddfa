#pragma once
// Database work for reads (history, listings, reports): a few threads, one connection each,
// so that no network thread ever waits for PostgreSQL. A job receives its thread's
// connection; a broken connection, or one the database ended while it sat idle, is replaced
// before the next job.
#include <pqxx/pqxx>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kamer::server::store {

class ReaderPool {
public:
    // A job; `connection` is null when the database cannot be reached (the job answers
    // `unavailable`). Jobs catch their own exceptions.
    using Job = std::function<void(pqxx::connection* connection)>;

    ReaderPool(std::string url, unsigned size, std::size_t max_queue = 50000);
    ~ReaderPool();

    // Thread-safe. False when the queue is full.
    bool post(Job job);
    void start();
    void stop();
    std::size_t queued() const;
    unsigned busy() const { return busy_.load(); }
    unsigned size() const { return size_; }

private:
    void run();

    std::string url_;
    unsigned size_;
    std::size_t max_queue_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    std::atomic<unsigned> busy_{0};
};

}  // namespace kamer::server::store
