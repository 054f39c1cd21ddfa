#pragma once
// The disclosure log (in the spirit of NEN 7513): every decision to disclose an item to an
// organisation, or to withhold it, with when, which item, its category, the persons it
// concerns, the room, the recipient organisation and professional, their role, the purpose,
// the basis and how. Decisions are written before anything is sent: a delivery waits for the
// commit of its log rows, and is not made when they cannot be written.
//
// Rows are appended in batches by one thread per node, each batch in one round trip; an
// advisory lock orders the nodes, so that the hash chain (each row's hash covers the previous
// row's hash and its own body) runs through every row of every node. The thread keeps the
// chain's head and reads it again when another node's rows came first. The runtime database
// role can only insert and read.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "policy/need_to_know.hpp"

namespace kamer::server::audit {

struct Record {
    std::int64_t entry = 0;  // position of the entry in the room's log
    std::string item;
    std::string kind;
    std::optional<protocol::Category> category;
    std::vector<std::string> persons;
    std::string recipient;  // OIN
    std::string actor;      // professional (as the recipient's system stated it); may be empty
    std::string actor_for;  // on whose behalf, when stated
    std::string role;       // the recipient organisation's role in the room
    policy::View view = policy::View::none;
    std::string basis;
};

struct Batch {
    std::int64_t room = 0;
    std::string room_public;
    std::string how;      // live, resume, history, export, listing, search, report, notice
    std::string purpose;  // case-consultation, access-request, subject-report, ...
    std::vector<Record> records;
    // Runs on the log thread once the rows are committed (true) or definitely will not be (false).
    std::function<void(bool committed)> done;
};

class DisclosureLog {
public:
    struct Options {
        std::size_t max_queue = 100000;  // batches waiting to be written
        std::size_t max_rows = 512;      // rows per transaction
    };
    DisclosureLog(std::string url, Options options);
    ~DisclosureLog();

    // Thread-safe. False when the queue is full: the caller must not disclose.
    bool submit(Batch batch);
    void start();
    void stop();  // writes what is queued first
    bool healthy() const { return healthy_.load(); }

private:
    void run();
    void write(std::vector<Batch>& batches);

    std::string url_;
    Options options_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Batch> queue_;
    bool stopping_ = false;
    std::thread thread_;
    std::atomic<bool> healthy_{true};
    std::unique_ptr<pqxx::connection> connection_;
    struct Head {
        std::int64_t seq = 0;  // 0: the log is empty
        std::string hash;
    };
    std::optional<Head> head_;  // the chain's last row, as this node last wrote or read it
};

struct Verification {
    std::uint64_t rows = 0;
    std::uint64_t records = 0;
    bool intact = true;
    std::optional<std::int64_t> first_broken;  // seq of the first row that does not verify
    std::string problem;
    std::string head_hash;  // hex; record it outside the database to anchor the chain
    double seconds = 0;
};

// Recomputes the whole chain.
Verification verify(pqxx::connection& connection);

// The canonical body of a row (what the hash covers).
std::string row_body(std::int64_t seq, const std::string& at, const Batch& batch);

}  // namespace kamer::server::audit
