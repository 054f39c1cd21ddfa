#pragma once
// The write path: group commit. Changes from every session queue here; one thread takes all
// that waits (up to max_batch; when idle, after letting a batch gather for batch_wait) and
// runs it as one transaction: lock the rooms involved, bring their cached state up to date
// (another node may have written), run the commands, write entries, projections and replies,
// notify other nodes, commit. A batch whose rooms are all cached skips the first step's round
// trip and checks them at commit (see process). Only then is any reply sent and any entry
// published for delivery: an acknowledgement means committed.
//
// A request with a client message id that was committed before gets the stored reply again
// (or idempotency_conflict when the request differs). When the commit's outcome is unknown
// (the connection broke during COMMIT) nothing is acknowledged: the client is told
// outcome_unknown and resends with the same id, which the stored reply then resolves.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "delivery/cursor.hpp"
#include "identity/partner_registry.hpp"
#include "policy/agreement.hpp"
#include "rooms/write_context.hpp"

namespace kamer::server::rooms {

struct WriteRequest {
    Caller caller;
    std::optional<std::string> client_id;
    std::string request_hash;         // hex SHA-256 of the request's type and body
    std::vector<std::string> rooms;   // public ids of the rooms it touches (locked for it)
    std::function<Outcome(WriteContext&)> command;
    std::function<void(std::string encoded)> respond;  // called exactly once
    std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
};

// What a committed batch changed in one room, for delivery.
struct Published {
    std::int64_t room = 0;
    std::string public_id;
    std::vector<StoredEntry> entries;
    std::shared_ptr<const policy::PolicyRoom> policy;  // the room as of the end of the batch
};

class Writer {
public:
    struct Options {
        std::size_t max_batch = 256;
        // An idle writer lets a batch gather until its oldest request is this old (a busy one
        // finds its batch waiting), unless a lone client is sending one change at a time:
        // fewer, larger commits cost PostgreSQL and kamerd less per change, for at most this
        // much more acknowledgement latency. kamerd sets it from database.batch_wait_microseconds.
        std::chrono::microseconds batch_wait{0};
        std::size_t max_queue = 20000;
        std::size_t max_cached_rooms = 5000;
        std::string node;
        // While this says delivery is behind, the writer takes no new batch: every entry it
        // commits must also be logged and delivered, and that backlog must not grow without
        // bound. Requests wait in the queue meanwhile (and past max_queue are refused).
        std::function<bool()> delivery_behind;
    };
    Writer(std::string url, const identity::PartnerRegistry& registry,
           std::function<std::shared_ptr<const policy::Agreement>()> agreement, const delivery::CursorCodec& cursors,
           std::function<void(std::vector<Published>)> publish, Options options);
    ~Writer();

    // Thread-safe. False when the queue is full (the caller answers `unavailable`).
    bool submit(WriteRequest request);
    void start();
    // Finishes what is queued, then stops.
    void stop();
    bool healthy() const { return healthy_.load(); }
    std::size_t queued() const;

private:
    void run();
    void process(std::vector<WriteRequest>& batch);
    Room* load(pqxx::transaction_base& tx, const std::string& public_id, std::int64_t id, std::int64_t head);
    // Every room is cached and none is to go the long way.
    bool cached_at_hand(const std::vector<std::string>& public_ids) const;

    std::string url_;
    const identity::PartnerRegistry& registry_;
    std::function<std::shared_ptr<const policy::Agreement>()> agreement_;
    const delivery::CursorCodec& cursors_;
    std::function<void(std::vector<Published>)> publish_;
    Options options_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<WriteRequest> queue_;
    bool stopping_ = false;
    std::thread thread_;
    std::atomic<bool> healthy_{true};

    // Used only by the writer thread.
    std::unique_ptr<pqxx::connection> connection_;
    struct Cached {
        std::unique_ptr<Room> room;
        std::uint64_t used = 0;
    };
    std::unordered_map<std::string, Cached> cache_;
    std::unordered_set<std::string> long_way_;  // public ids of rooms whose one-trip batch was rerun
    std::uint64_t batches_ = 0;
    std::chrono::steady_clock::time_point answered_{};  // when the last committed batch was answered
};

}  // namespace kamer::server::rooms
