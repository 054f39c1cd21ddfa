#pragma once
// Partner systems for fault tests, and the Jepsen-style count of what they saw. Each client
// posts numbered contributions with unique client ids into one room, one at a time; on any
// doubt (a dropped connection, `outcome_unknown`, `unavailable`) it resends the same id until
// it is acknowledged, as PROTOCOL.md §5 tells partners to do. Afterwards every member reads the
// room from its beginning and count() compares what was acknowledged with what was delivered.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace kamer::test {

using Clock = std::chrono::steady_clock;

struct Attempt {
    std::string id;    // client message id, unique per client
    std::string text;  // unique across clients: what the drain recognises
    bool in_doubt = false;             // at least one send ended without an answer
    std::optional<std::string> item;   // the server's item id once acknowledged
    Clock::time_point acked_at;
};

struct ClientLedger {
    std::string slug;
    std::vector<Attempt> attempts;
    std::map<std::string, int> errors;  // error codes (and "disconnected", "connect") seen
};

class FaultClients {
public:
    FaultClients(std::uint16_t port, std::string room, std::vector<std::string> slugs);
    ~FaultClients();

    void start();
    // Lets each client finish the item in hand (resending until acknowledged) for up to `grace`,
    // then joins; a client that could not fails the test. The destructor gives no grace: a test
    // that is already failing must end, not wait on a server that is gone.
    void finish(std::chrono::seconds grace = std::chrono::seconds(60));
    std::size_t acknowledged() const { return acknowledged_; }
    const std::vector<ClientLedger>& ledgers() const { return ledgers_; }

private:
    void run(ClientLedger& ledger);
    // Clients still on an item resend it until `give_up_at`, then all are joined.
    void stop(Clock::time_point give_up_at);
    bool giving_up() const { return stopping_ && Clock::now().time_since_epoch().count() >= give_up_at_; }

    std::uint16_t port_;
    std::string room_;
    std::vector<ClientLedger> ledgers_;
    std::vector<std::thread> threads_;
    std::atomic<Clock::rep> give_up_at_{0};  // set before stopping_
    std::atomic<bool> stopping_{false};
    std::atomic<std::size_t> acknowledged_{0};
};

// One contribution as a member received it.
struct Delivery {
    std::string item;
    std::string text;
};
// Everything `slug` receives when it subscribes to `room` from the beginning.
std::vector<Delivery> drain(std::uint16_t port, const std::string& slug, const std::string& room);

struct Counts {
    std::size_t attempted = 0;
    std::size_t acknowledged = 0;
    std::size_t in_doubt = 0;     // outcome unknown at some send
    std::size_t lost = 0;         // acknowledged, missing from some member's stream
    std::size_t unexpected = 0;   // delivered, never sent
    std::size_t duplicated = 0;   // delivered twice to one member, or stored as two items
    std::size_t recovered = 0;    // in doubt at send time, present afterwards
    std::size_t mismatched = 0;   // delivered under another item id than acknowledged
    std::string describe() const;
};
Counts count(const std::vector<ClientLedger>& ledgers, const std::map<std::string, std::vector<Delivery>>& deliveries);

}  // namespace kamer::test
