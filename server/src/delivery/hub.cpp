#include "delivery/hub.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <span>

#include "kamer/protocol/messages/entries.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "net/connection_tracker.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "store/room_store.hpp"
#include "store/room_views.hpp"
#include "store/database.hpp"
#include "util/named_thread.hpp"

namespace kamer::server::delivery {
namespace asio = boost::asio;
using protocol::ErrorCode;

namespace {

// Catch-up reads pages of this many entries and sends what a page discloses in events
// messages of at most the protocol's limit each; larger pages mean fewer reads and log rows.
constexpr std::size_t events_per_message = decltype(protocol::Events::events)::max;
constexpr auto catch_up_page = static_cast<std::int64_t>(2 * events_per_message);
// Catch-up reads the next page while the previous one's disclosure rows commit; at most this
// many pages wait for their commit, so what a member resumes through stays bounded in memory.
constexpr int catch_up_pages_ahead = 2;
constexpr std::int64_t gap_page = 100000;
// A read of the database that failed is tried again after `first_retry`; a recheck or a recovery
// of notices waits twice as long each time it fails again, up to `last_retry`.
constexpr std::chrono::milliseconds first_retry{200}, last_retry{5000};
// Entries are stamped by the node that writes them before they commit, and a notification can
// still be on its way when the listener was last heard: recovering notices looks back this much
// further. The notices of that many entries are remembered, so that none is sent twice.
constexpr auto notice_margin = std::chrono::minutes(1);
constexpr std::size_t noticed_remembered = 10000;
constexpr std::int64_t notices_page = 10000;
// Delivery is behind (see Hub::behind) past these; a log row holds at most about
// `records_per_row` decisions.
constexpr std::size_t max_undelivered_entries = 5000;
constexpr std::size_t max_unlogged_records = 20000;
constexpr std::size_t records_per_row = 1000;

// Events messages of at most the protocol's number of events and about this many bytes
// (one entry may be up to a request's size on its own).
constexpr std::size_t message_bytes = 1024 * 1024;

std::vector<std::shared_ptr<const std::string>> encode_messages(const std::string& room_public,
                                                                const CursorCodec& cursors, std::int64_t room,
                                                                std::span<const Disclosed> events) {
    std::vector<std::shared_ptr<const std::string>> messages;
    auto encode = [&](std::span<const Disclosed> part) {
        messages.push_back(std::make_shared<const std::string>(encode_events(room_public, cursors, room, part)));
    };
    std::size_t first = 0, bytes = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        std::size_t size = body_of(events[i]).size();
        if (i > first && (i - first == events_per_message || bytes + size > message_bytes)) {
            encode(events.subspan(first, i - first));
            first = i;
            bytes = 0;
        }
        bytes += size;
    }
    if (first < events.size()) encode(events.subspan(first));
    return messages;
}

spdlog::logger& logger() {
    static auto l = log::get("delivery");
    return *l;
}

struct Metrics {
    obs::Counter& delivered = obs::metrics().counter("kamer_events_out_total", "Entries sent to subscribers, by how",
                                                     {{"how", "live"}});
    obs::Counter& resumed = obs::metrics().counter("kamer_events_out_total", "Entries sent to subscribers, by how",
                                                   {{"how", "resume"}});
    obs::Counter& withheld = obs::metrics().counter("kamer_events_withheld_total",
                                                    "Entries withheld from a subscriber by the need-to-know policy");
    obs::Gauge& subscriptions = obs::metrics().gauge("kamer_subscriptions", "Sessions following a room on this node");
};
Metrics& metrics() {
    static Metrics m;
    return m;
}

// Runs `step` after `retry`, giving it the next, longer wait. One timer per step: a later call
// replaces an earlier one's retry, and Hub::stop() cancels it.
void retry_later(asio::steady_timer& timer, std::chrono::milliseconds retry,
                 std::function<void(std::chrono::milliseconds)> step) {
    timer.expires_after(retry);
    timer.async_wait([retry, step = std::move(step)](boost::system::error_code ec) {
        if (!ec) step(std::min(retry * 2, last_retry));
    });
}

}  // namespace

struct Hub::Subscriber {
    std::weak_ptr<net::Session> session;
    std::uint64_t id = 0;
    std::uint64_t serial = 0;  // tells this subscription from a later one of the same session
    Recipient to;
    std::int64_t position = 0;      // last entry considered for this subscriber
    std::int64_t last_visible = 0;  // last entry it received: its resume point
    bool live = false;
    bool fetching = false;
    int unlogged = 0;  // catch-up pages waiting for their disclosure rows to commit
    std::optional<net::Responder> responder;  // answered once caught up
};

struct Hub::Channel {
    std::int64_t room = 0;
    std::string public_id;
    std::int64_t head = 0;  // last position delivered on this node
    std::shared_ptr<const policy::PolicyRoom> policy;
    std::vector<Subscriber> subscribers;
    std::deque<Pending> pending;
    bool fetching = false;

    Subscriber* find(std::uint64_t session) {
        for (auto& s : subscribers)
            if (s.id == session) return &s;
        return nullptr;
    }
    Subscriber* find(std::uint64_t session, std::uint64_t serial) {
        auto* s = find(session);
        return s && s->serial == serial ? s : nullptr;
    }
};

Hub::Hub(Services services) : services_(std::move(services)), noticed_(noticed_remembered) {}

Hub::~Hub() { stop(); }

void Hub::start() {
    work_.emplace(io_.get_executor());
    thread_ = named_thread("kamerd-hub", [this] { io_.run(); });
}

void Hub::stop() {
    if (!thread_.joinable()) return;
    work_.reset();
    asio::post(io_, [this] {
        recheck_timer_.cancel();
        recovery_timer_.cancel();
        unrecovered_since_.reset();
        channels_.clear();
        by_public_.clear();
    });
    thread_.join();
}

Hub::Channel* Hub::channel(std::int64_t room) {
    auto it = channels_.find(room);
    return it == channels_.end() ? nullptr : it->second.get();
}

void Hub::with_channel(const std::string& public_id, std::function<void(Channel*, bool readable)> then) {
    if (auto it = by_public_.find(public_id); it != by_public_.end()) {
        if (auto* c = channel(it->second)) return then(c, true);
    }
    // Read the room's view. Entries published while it is read are not lost: the channel
    // then starts behind the last published position and fetches the difference.
    bool posted = services_.readers.post([this, public_id, then = std::move(then)](pqxx::connection* db) mutable {
        std::optional<store::RoomView> view;
        bool failed = !db;
        if (db) {
            try {
                pqxx::read_transaction tx(*db);
                view = store::load_room_view(tx, public_id);
            } catch (const std::exception&) {
                failed = true;
            }
        }
        asio::post(io_, [this, public_id, view = std::move(view), failed, then = std::move(then)]() mutable {
            if (failed || !view) return then(nullptr, !failed);
            if (auto it = by_public_.find(public_id); it != by_public_.end())
                if (auto* c = channel(it->second)) return then(c, true);
            auto c = std::make_unique<Channel>();
            c->room = view->id;
            c->public_id = public_id;
            c->head = view->head;
            c->policy = std::make_shared<const policy::PolicyRoom>(std::move(view->policy));
            auto* raw = c.get();
            channels_[raw->room] = std::move(c);
            by_public_[public_id] = raw->room;
            if (auto seen = published_head_.find(raw->room); seen != published_head_.end() && seen->second > raw->head) {
                raw->pending.push_back({{}, seen->second, nullptr});
                drain(*raw);
            }
            then(raw, true);
        });
    });
    if (!posted) then(nullptr, false);
}

bool Hub::behind() const {
    return undelivered_.load(std::memory_order_relaxed) > max_undelivered_entries ||
           unlogged_live_.load(std::memory_order_relaxed) > max_unlogged_records;
}

void Hub::publish(std::vector<rooms::Published> batches) {
    std::size_t entries = 0;
    for (const auto& p : batches) entries += p.entries.size();
    undelivered_ += entries;
    asio::post(io_, [this, entries, batches = std::move(batches)]() mutable {
        for (auto& p : batches) {
            published_head_[p.room] = p.entries.back().seq;
            notify_subjects(p.public_id, p.room, *p.policy, p.entries);
            if (auto* c = channel(p.room)) {
                std::int64_t last = p.entries.back().seq;
                c->pending.push_back({std::move(p.entries), last, std::move(p.policy)});
                drain(*c);
            }
        }
        undelivered_ -= entries;
    });
}

bool Hub::advance(std::int64_t room, std::int64_t head) {
    auto& seen = published_head_[room];
    seen = std::max(seen, head);
    auto* c = channel(room);
    if (!c) return false;
    c->pending.push_back({{}, head, nullptr});
    drain(*c);
    return true;
}

void Hub::remote(std::int64_t room, std::int64_t first, std::int64_t head) {
    asio::post(io_, [this, room, first, head] {
        if (advance(room, head)) return;
        // Nobody here follows the room; invitations and removals may still concern
        // organisations connected here.
        if (services_.tracker.connections() == 0) return;
        services_.readers.post([this, room, first, head](pqxx::connection* db) {
            if (!db) return;
            try {
                pqxx::read_transaction tx(*db);
                auto view = store::load_room_view(tx, room);
                if (!view) return;
                auto entries = store::load_entries(tx, room, first - 1, head, gap_page);
                std::erase_if(entries, [](const auto& e) { return !e.meta.subject; });
                if (entries.empty()) return;
                asio::post(io_, [this, view = std::move(*view), entries = std::move(entries)] {
                    notify_subjects(view.public_id, view.id, view.policy, entries);
                });
            } catch (const std::exception& e) {
                log::warn(logger(), "notice.fetch_failed", {{"room", room}, {"reason", store::error_reason(e)}});
            }
        });
    });
}

void Hub::recheck() { recheck(first_retry); }

void Hub::recheck(std::chrono::milliseconds retry) {
    asio::post(io_, [this, retry] {
        std::vector<std::int64_t> rooms;
        for (const auto& [room, c] : channels_) rooms.push_back(room);
        if (rooms.empty()) return;
        // The readers could not read: the database may be gone again, or a reader's connection
        // broke without a word (a lost network finds no end in the socket).
        auto again = [this, retry] { retry_later(recheck_timer_, retry, [this](auto next) { recheck(next); }); };
        bool posted = services_.readers.post([this, rooms = std::move(rooms), again](pqxx::connection* db) {
            std::vector<store::RoomHead> heads;
            bool read = false;
            if (db) {
                try {
                    pqxx::read_transaction tx(*db);
                    heads = store::load_heads(tx, rooms);
                    read = true;
                } catch (const std::exception& e) {
                    log::warn(logger(), "recheck.failed", {{"rooms", std::uint64_t(rooms.size())},
                                                           {"reason", store::error_reason(e)}});
                }
            }
            if (!read) return asio::post(io_, again);
            asio::post(io_, [this, heads = std::move(heads)] {
                for (const auto& h : heads) advance(h.id, h.head);
            });
        });
        if (!posted) again();
    });
}

void Hub::recover_notices(std::chrono::system_clock::time_point heard_until) {
    asio::post(io_, [this, since = heard_until - notice_margin] {
        // A recovery that has not succeeded yet still owes the time from its own start.
        unrecovered_since_ = std::min(unrecovered_since_.value_or(since), since);
        recover_notices(first_retry);
    });
}

void Hub::recover_notices(std::chrono::milliseconds retry) {
    if (!unrecovered_since_) return;  // a later recovery covered it meanwhile
    auto since = *unrecovered_since_;
    auto organisations = services_.tracker.organisations();
    if (organisations.empty()) return unrecovered_since_.reset();
    auto again = [this, retry](std::string_view reason) {
        log::warn(logger(), "notices.recovery_failed", {{"reason", reason}});
        retry_later(recovery_timer_, retry, [this](auto next) { recover_notices(next); });
    };
    bool posted = services_.readers.post([this, organisations = std::move(organisations), since, again](pqxx::connection* db) {
        if (!db) return asio::post(io_, [again] { again("database_unavailable"); });
        try {
            pqxx::read_transaction tx(*db);
            std::vector<std::pair<store::RoomView, std::vector<rooms::StoredEntry>>> rooms;
            std::size_t found = 0;
            for (auto& [room, entries] : store::load_notices(tx, organisations, since, notices_page)) {
                found += entries.size();
                if (auto view = store::load_room_view(tx, room)) rooms.emplace_back(std::move(*view), std::move(entries));
            }
            asio::post(io_, [this, rooms = std::move(rooms), found, since] {
                for (const auto& [view, entries] : rooms) notify_subjects(view.public_id, view.id, view.policy, entries);
                // A later outage's recovery may have reached further back meanwhile; it clears its own.
                if (unrecovered_since_ == since) unrecovered_since_.reset();
                log::info(logger(), "notices.recovered", {{"entries", std::uint64_t(found)}});
            });
        } catch (const std::exception& e) {
            asio::post(io_, [again, reason = std::string(store::error_reason(e))] { again(reason); });
        }
    });
    if (!posted) again("readers_busy");
}

void Hub::drain(Channel& c) {
    while (!c.fetching && !c.pending.empty()) {
        auto& p = c.pending.front();
        std::erase_if(p.entries, [&](const auto& e) { return e.seq <= c.head; });
        std::int64_t target = std::max(p.up_to, p.entries.empty() ? 0 : p.entries.back().seq);
        if (target <= c.head) {
            c.pending.pop_front();
            continue;
        }
        std::int64_t have_from = p.entries.empty() ? target + 1 : p.entries.front().seq;
        if (have_from > c.head + 1 || !p.policy) {
            // Entries this node has not seen (written by another node, or committed while the
            // channel was loading), and the room's view if it may have changed: read them.
            c.fetching = true;
            std::int64_t room = c.room, from = c.head, to = have_from - 1;
            bool need_view = !p.policy;
            services_.readers.post([this, room, from, to, need_view](pqxx::connection* db) {
                std::vector<rooms::StoredEntry> fetched;
                std::optional<store::RoomView> view;
                bool failed = !db;
                if (db) {
                    try {
                        pqxx::read_transaction tx(*db);
                        if (to > from) fetched = store::load_entries(tx, room, from, to, gap_page);
                        if (need_view) view = store::load_room_view(tx, room);
                    } catch (const std::exception&) {
                        failed = true;
                    }
                }
                asio::post(io_, [this, room, failed, fetched = std::move(fetched), view = std::move(view)]() mutable {
                    auto* c = channel(room);
                    if (!c) return;
                    c->fetching = false;
                    if (failed) {
                        // The database is away; try again shortly. Nothing is skipped.
                        auto timer = std::make_shared<asio::steady_timer>(io_, first_retry);
                        timer->async_wait([this, room, timer](boost::system::error_code) {
                            if (auto* c = channel(room)) drain(*c);
                        });
                        return;
                    }
                    auto& p = c->pending.front();
                    p.entries.insert(p.entries.begin(), std::make_move_iterator(fetched.begin()),
                                     std::make_move_iterator(fetched.end()));
                    if (view) p.policy = std::make_shared<const policy::PolicyRoom>(std::move(view->policy));
                    if (!p.policy) p.policy = c->policy;
                    if (view && !p.entries.empty()) notify_subjects(c->public_id, c->room, *p.policy, p.entries);
                    drain(*c);
                });
            });
            return;
        }
        c.policy = p.policy;
        deliver(c, p.entries);
        c.head = target;
        c.pending.pop_front();
    }
}

void Hub::deliver(Channel& c, std::vector<rooms::StoredEntry>& entries) {
    auto live = static_cast<std::size_t>(
        std::count_if(c.subscribers.begin(), c.subscribers.end(), [](const auto& s) { return s.live; }));
    std::size_t per_row = std::max<std::size_t>(1, records_per_row / std::max<std::size_t>(1, live));
    std::span<const rooms::StoredEntry> all(entries);
    for (std::size_t at = 0; at < all.size(); at += per_row)
        deliver_row(c, all.subspan(at, std::min(per_row, all.size() - at)));
    // Members that left or were removed stop following the room (they received the entry
    // about it as its subject).
    for (std::size_t i = 0; i < c.subscribers.size();) {
        auto member = c.policy->members.find(c.subscribers[i].to.org);
        if (member == c.policy->members.end() || !member->second.active) {
            c.subscribers.erase(c.subscribers.begin() + static_cast<std::ptrdiff_t>(i));
            metrics().subscriptions.add(-1);
            --subscription_count_;
        } else {
            ++i;
        }
    }
}

// One log row for these entries, and one message (or more, see encode_messages) per audience:
// the subscribers that may see the same entries in the same views (an organisation's
// sessions, or organisations the agreement treats alike) share one encoding.
void Hub::deliver_row(Channel& c, std::span<const rooms::StoredEntry> entries) {
    auto agreement = services_.agreement();
    auto& m = metrics();
    audit::Batch batch{c.room, c.public_id, "live", "case-consultation", {}, {}};
    std::vector<std::vector<Disclosed>> shown(c.subscribers.size());
    for (std::size_t i = 0; i < c.subscribers.size(); ++i) {
        auto& s = c.subscribers[i];
        if (!s.live) continue;
        shown[i] = disclose(*agreement, *c.policy, entries, s.to, batch);
        m.withheld.inc(entries.size() - shown[i].size());
        s.position = entries.back().seq;
        if (!shown[i].empty()) s.last_visible = shown[i].back().entry->seq;
    }
    if (batch.records.empty()) return;
    struct Audience {
        std::vector<std::shared_ptr<const std::string>> messages;
        std::vector<std::weak_ptr<net::Session>> sessions;
    };
    std::vector<Audience> audiences;
    // Keyed by the view of each entry of the row: '-' withheld, 's' signal, 'f' full.
    std::unordered_map<std::string, std::size_t> audience_of;
    std::size_t events = 0;
    for (std::size_t i = 0; i < c.subscribers.size(); ++i) {
        if (shown[i].empty()) continue;
        std::string key(entries.size(), '-');
        for (const auto& d : shown[i]) key[d.entry - entries.data()] = d.view == policy::View::full ? 'f' : 's';
        auto [it, fresh] = audience_of.try_emplace(key, audiences.size());
        if (fresh) audiences.push_back({encode_messages(c.public_id, services_.cursors, c.room, shown[i]), {}});
        audiences[it->second].sessions.push_back(c.subscribers[i].session);
        events += shown[i].size();
    }
    std::size_t records = batch.records.size();
    unlogged_live_ += records;
    batch.done = [this, records, audiences = std::move(audiences)](bool committed) {
        unlogged_live_ -= records;
        for (const auto& audience : audiences)
            for (const auto& session : audience.sessions)
                if (auto s = session.lock()) {
                    if (!committed) {
                        s->close(protocol::CloseCode::try_again_later);
                        continue;
                    }
                    for (const auto& message : audience.messages) s->send(message);
                }
    };
    if (!services_.log.submit(std::move(batch))) {
        // The disclosure log cannot keep up: deliver nothing unlogged. The subscribers
        // resume later from what they have.
        unlogged_live_ -= records;
        for (auto& s : c.subscribers)
            if (auto session = s.session.lock()) session->close(protocol::CloseCode::try_again_later);
        return;
    }
    m.delivered.inc(events);
}

void Hub::notify_subjects(const std::string& public_id, std::int64_t room, const policy::PolicyRoom& policy,
                          const std::vector<rooms::StoredEntry>& entries) {
    auto agreement = services_.agreement();
    for (const auto& e : entries) {
        if (!e.meta.subject || (e.kind != "member.invited" && e.kind != "member.removed")) continue;
        if (!noticed_.remember(room, e.seq)) continue;  // looked up again after the listener was cut off
        auto sessions = services_.tracker.sessions_of(*e.meta.subject);
        if (sessions.empty()) continue;
        auto org = services_.registry.find(*e.meta.subject);
        if (!org) continue;
        audit::Batch batch{room, public_id, "notice", "case-consultation", {}, {}};
        std::vector<std::weak_ptr<net::Session>> targets;
        for (const auto& s : sessions) {
            const auto& actor = s->peer().actor;
            Recipient to{org->id, org->oin, actor ? std::string(actor->id) : "",
                         actor && actor->acting_for ? std::string(*actor->acting_for) : ""};
            if (!disclose(*agreement, policy, {&e, 1}, to, batch, Shows::full_only).empty()) targets.push_back(s);
        }
        auto frame = std::make_shared<const std::string>("{\"type\":\"notice\",\"body\":{\"room\":\"" + public_id +
                                                         "\",\"entry\":" + e.body + "}}");
        batch.done = [targets = std::move(targets), frame](bool committed) {
            if (!committed) return;
            for (const auto& t : targets)
                if (auto s = t.lock()) s->send(frame);
        };
        services_.log.submit(std::move(batch));
    }
}

void Hub::subscribe(const std::shared_ptr<net::Session>& session, const std::optional<protocol::Actor>& actor,
                    const std::string& room, const std::optional<std::string>& after, net::Responder responder) {
    auto org = session->peer().organisation;
    Recipient to{org.id, org.oin, actor ? std::string(actor->id) : "",
                 actor && actor->acting_for ? std::string(*actor->acting_for) : ""};
    std::weak_ptr<net::Session> weak = session;
    std::uint64_t sid = session->id();
    asio::post(io_, [this, weak, sid, to, room, after, responder = std::move(responder)]() mutable {
        with_channel(room, [this, weak, sid, to, room, after,
                            responder = std::make_shared<net::Responder>(std::move(responder))](Channel* c,
                                                                                                  bool readable) mutable {
            if (!readable) return responder->fail(ErrorCode::unavailable, "the database is not available; try again");
            auto member = c ? c->policy->members.find(to.org) : decltype(c->policy->members.end()){};
            if (!c || member == c->policy->members.end() || !member->second.active)
                return responder->fail(ErrorCode::not_found, "no room " + room + " of which you are a member");
            std::int64_t position = 0;
            if (after) {
                auto seq = services_.cursors.decode(c->room, *after);
                if (!seq || *seq > c->head)
                    return responder->fail({ErrorCode::invalid_value, "body.after", "not a position in this room"});
                position = *seq;
            }
            if (c->find(sid)) return responder->fail(ErrorCode::conflict, "this session already follows the room");
            Subscriber s;
            s.session = weak;
            s.id = sid;
            s.serial = ++subscriber_serial_;
            s.to = to;
            s.position = position;
            s.last_visible = position;
            s.responder = std::move(*responder);
            c->subscribers.push_back(std::move(s));
            metrics().subscriptions.add(1);
            ++subscription_count_;
            catch_up(c->room, sid);
        });
    });
}

void Hub::catch_up(std::int64_t room, std::uint64_t sid) {
    auto* c = channel(room);
    auto* s = c ? c->find(sid) : nullptr;
    if (!s || s->live || s->fetching) return;
    if (s->position >= c->head) {
        // Live only once every page is committed and queued, so nothing overtakes them.
        if (s->unlogged == 0) finish_catch_up(*c, *s);
        return;
    }
    if (s->unlogged >= catch_up_pages_ahead) return;  // a page's commit calls again
    auto session = s->session.lock();
    if (!session) return;
    // Pages waiting for their commit are not in the backlog yet: with the backlog under a
    // quarter of the limit and each page at most a quarter, the queue stays under the limit.
    std::size_t quarter = session->backlog_limit() / 4;
    if (session->backlog() > quarter) {
        // Pull history no faster than the client reads it.
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(20));
        timer->async_wait([this, room, sid, timer](boost::system::error_code) { catch_up(room, sid); });
        return;
    }
    s->fetching = true;
    std::uint64_t serial = s->serial;
    std::int64_t from = s->position, to = c->head;
    bool posted = services_.readers.post([this, room, sid, serial, from, to, quarter](pqxx::connection* db) {
        auto entries = std::make_shared<std::vector<rooms::StoredEntry>>();
        bool failed = !db;
        if (db) {
            try {
                pqxx::read_transaction tx(*db);
                *entries = store::load_entries(tx, room, from, to, catch_up_page);
            } catch (const std::exception&) {
                failed = true;
            }
        }
        asio::post(io_, [this, room, sid, serial, to, quarter, failed, entries] {
            auto* c = channel(room);
            auto* s = c ? c->find(sid, serial) : nullptr;
            if (!s) return;
            s->fetching = false;
            if (failed) {
                if (s->responder) s->responder->fail(ErrorCode::unavailable, "the database is not available; try again");
                drop(*c, sid, protocol::CloseCode::try_again_later);
                return;
            }
            // A member resuming through large items is paced by its reading, not closed as a
            // slow consumer.
            std::size_t used = 0, keep = 0;
            while (keep < entries->size() && (keep == 0 || used + (*entries)[keep].body.size() <= quarter))
                used += (*entries)[keep++].body.size();
            entries->resize(keep);
            audit::Batch batch{c->room, c->public_id, "resume", "case-consultation", {}, {}};
            auto disclosed = disclose(*services_.agreement(), *c->policy, *entries, s->to, batch);
            s->position = entries->empty() ? to : entries->back().seq;
            if (!disclosed.empty()) s->last_visible = disclosed.back().entry->seq;
            metrics().resumed.inc(disclosed.size());
            auto messages = encode_messages(c->public_id, services_.cursors, c->room, disclosed);
            // Commits complete in the order of submission, so the pages reach the member in order.
            batch.done = [this, room, sid, serial, messages = std::move(messages), weak = s->session](bool committed) {
                if (committed)
                    if (auto session = weak.lock())
                        for (const auto& message : messages) session->send(message);
                asio::post(io_, [this, room, sid, serial, committed] {
                    auto* c = channel(room);
                    auto* s = c ? c->find(sid, serial) : nullptr;
                    if (!s) return;
                    --s->unlogged;
                    if (!committed) return drop(*c, sid, protocol::CloseCode::try_again_later);
                    catch_up(room, sid);
                });
            };
            if (!services_.log.submit(std::move(batch))) return drop(*c, sid, protocol::CloseCode::try_again_later);
            ++s->unlogged;
            catch_up(room, sid);
        });
    });
    if (!posted) {
        s->fetching = false;
        drop(*c, sid, protocol::CloseCode::try_again_later);
    }
}

void Hub::finish_catch_up(Channel& c, Subscriber& s) {
    s.live = true;
    protocol::Subscribed reply;
    reply.room = c.public_id;
    if (s.last_visible) reply.cursor = services_.cursors.encode(c.room, s.last_visible);
    if (s.responder) {
        s.responder->ok(reply);
        s.responder.reset();
    }
}

void Hub::release_if_idle(std::int64_t room) {
    auto* c = channel(room);
    if (!c || !c->subscribers.empty() || c->fetching || !c->pending.empty()) return;
    by_public_.erase(c->public_id);
    channels_.erase(room);
}

void Hub::drop(Channel& c, std::uint64_t sid, protocol::CloseCode why) {
    auto it = std::find_if(c.subscribers.begin(), c.subscribers.end(), [&](const auto& s) { return s.id == sid; });
    if (it == c.subscribers.end()) return;
    if (auto session = it->session.lock()) session->close(why);
    c.subscribers.erase(it);
    metrics().subscriptions.add(-1);
    --subscription_count_;
    release_if_idle(c.room);
}

void Hub::unsubscribe(std::uint64_t sid, const std::string& room, net::Responder responder) {
    asio::post(io_, [this, sid, room, responder = std::move(responder)]() mutable {
        auto it = by_public_.find(room);
        auto* c = it == by_public_.end() ? nullptr : channel(it->second);
        auto* s = c ? c->find(sid) : nullptr;
        if (!s) return responder.fail(ErrorCode::not_found, "this session does not follow room " + room);
        std::erase_if(c->subscribers, [&](const auto& x) { return x.id == sid; });
        metrics().subscriptions.add(-1);
        --subscription_count_;
        release_if_idle(c->room);
        protocol::Ok ok;
        ok.room = room;
        responder.ok(ok);
    });
}

void Hub::session_closed(std::uint64_t sid) {
    asio::post(io_, [this, sid] {
        std::vector<std::int64_t> emptied;
        for (auto& [id, c] : channels_) {
            auto before = c->subscribers.size();
            std::erase_if(c->subscribers, [&](const auto& s) { return s.id == sid; });
            auto removed = before - c->subscribers.size();
            if (removed == 0) continue;
            metrics().subscriptions.add(-static_cast<std::int64_t>(removed));
            subscription_count_ -= removed;
            emptied.push_back(id);
        }
        for (auto id : emptied) release_if_idle(id);
    });
}

}  // namespace kamer::server::delivery
