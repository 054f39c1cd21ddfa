#pragma once
// Delivery: who follows which room on this node, and getting each committed entry to them in
// order, through the need-to-know gate and the disclosure log.
//
// All channel state lives on one delivery thread (an io_context of its own): publishes from
// the writer, notifications from other nodes, subscriptions and their catch-up are tasks on
// it, so the order of a room's entries is simply the order of the tasks. Database reads
// (catch-up pages, gaps, room views) run on the reader pool and come back as tasks.
//
// A subscriber first catches up (pages read from the database, filtered with the room as it
// is now) and then receives entries live; the switch happens on the delivery thread, between
// two publishes, so nothing is missed or sent twice.
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "audit/disclosure_log.hpp"
#include "delivery/cursor.hpp"
#include "delivery/gate.hpp"
#include "delivery/notice_memory.hpp"
#include "identity/partner_registry.hpp"
#include "net/responder.hpp"
#include "net/session.hpp"
#include "rooms/writer.hpp"
#include "store/reader_pool.hpp"

namespace kamer::server::net {
class ConnectionTracker;
}

namespace kamer::server::delivery {

class Hub {
public:
    struct Services {
        std::function<std::shared_ptr<const policy::Agreement>()> agreement;
        const identity::PartnerRegistry& registry;
        const CursorCodec& cursors;
        audit::DisclosureLog& log;
        store::ReaderPool& readers;
        net::ConnectionTracker& tracker;
        std::string node;
    };
    explicit Hub(Services services);
    ~Hub();

    void start();
    void stop();

    // Committed entries of this node's writer, in commit order.
    void publish(std::vector<rooms::Published> batches);
    // Another node committed entries `first..head` of room `room`.
    void remote(std::int64_t room, std::int64_t first, std::int64_t head);
    // Notifications of other nodes may have been missed (the listener was disconnected): read
    // the heads of the rooms followed here and deliver what is newer.
    void recheck();
    // The same for notices: invitations and removals that other nodes committed since shortly
    // before `heard_until` (when the listener was last heard) for organisations connected here,
    // in rooms nobody here follows, would have sent them a notice. Sends those not sent yet;
    // a recovery that cannot read the database tries again until it can.
    void recover_notices(std::chrono::system_clock::time_point heard_until);

    void subscribe(const std::shared_ptr<net::Session>& session, const std::optional<protocol::Actor>& actor,
                   const std::string& room, const std::optional<std::string>& after, net::Responder responder);
    void unsubscribe(std::uint64_t session, const std::string& room, net::Responder responder);
    void session_closed(std::uint64_t session);

    std::size_t subscriptions() const { return subscription_count_.load(); }
    // Whether live delivery is behind what the writer committed (entries not yet through the
    // gate, or decisions not yet logged): the writer then takes no new work, so that memory
    // stays bounded and members stay live. Resumes do not count: each is paced by its reader
    // and bounded on its own, and a region reconnecting must not stop the writing.
    bool behind() const;

private:
    struct Subscriber;
    struct Channel;
    struct Pending {
        std::vector<rooms::StoredEntry> entries;
        std::int64_t up_to = 0;  // deliver through this position (fetching what is not here)
        std::shared_ptr<const policy::PolicyRoom> policy;  // null: reload from the projections
    };

    Channel* channel(std::int64_t room);
    // Calls then(channel, true), then(nullptr, true) when there is no such room, or
    // then(nullptr, false) when the database could not be read.
    void with_channel(const std::string& public_id, std::function<void(Channel*, bool readable)> then);
    // The room is at `head`: a channel of it here fetches what it has not delivered (nothing
    // when it is there already) with the room's view. False when nobody here follows the room.
    bool advance(std::int64_t room, std::int64_t head);
    void drain(Channel& c);
    void deliver(Channel& c, std::vector<rooms::StoredEntry>& entries);
    void deliver_row(Channel& c, std::span<const rooms::StoredEntry> entries);
    void notify_subjects(const std::string& public_id, std::int64_t room, const policy::PolicyRoom& policy,
                         const std::vector<rooms::StoredEntry>& entries);
    void catch_up(std::int64_t room, std::uint64_t session);
    void finish_catch_up(Channel& c, Subscriber& s);
    void drop(Channel& c, std::uint64_t session, protocol::CloseCode why);
    void release_if_idle(std::int64_t room);
    void recheck(std::chrono::milliseconds retry);  // after `retry` when the heads cannot be read
    void recover_notices(std::chrono::milliseconds retry);  // from unrecovered_since_, the same way

    Services services_;
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    boost::asio::steady_timer recheck_timer_{io_};
    boost::asio::steady_timer recovery_timer_{io_};
    // Notices from then on may not have been sent: a recovery is owed (see recover_notices).
    std::optional<std::chrono::system_clock::time_point> unrecovered_since_;
    std::thread thread_;
    std::unordered_map<std::int64_t, std::unique_ptr<Channel>> channels_;
    std::unordered_map<std::string, std::int64_t> by_public_;
    std::unordered_map<std::int64_t, std::int64_t> published_head_;  // every room's last known position
    NoticeMemory noticed_;
    std::atomic<std::size_t> subscription_count_{0};
    std::atomic<std::size_t> undelivered_{0};   // published entries not yet through deliver()
    std::atomic<std::size_t> unlogged_live_{0};  // decisions of live deliveries not yet committed
    std::uint64_t subscriber_serial_ = 0;
};

}  // namespace kamer::server::delivery
