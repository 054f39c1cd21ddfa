#include "rooms/writer.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "kamer/protocol/messages/session.hpp"
#include "obs/log.hpp"
#include "rooms/load.hpp"
#include "obs/metrics.hpp"
#include "store/database.hpp"
#include "store/room_store.hpp"
#include "util/ids.hpp"
#include "util/named_thread.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;

namespace {

spdlog::logger& logger() {
    static auto l = log::get("rooms");
    return *l;
}

std::string encode_error(const protocol::Error& e, const std::optional<std::string>& re) {
    return protocol::encode_message(protocol::make_error_reply(e), std::nullopt, re);
}

// Errors after which the same batch may simply run again: a serialization failure or deadlock
// (libpqxx 6 reports these as transaction_rollback, which is not an sql_error), or a concurrent
// insert of the same idempotency key.
bool retriable(const std::exception& e) {
    if (dynamic_cast<const pqxx::transaction_rollback*>(&e)) return true;
    auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
    return sql && sql->sqlstate() == "23505";
}

struct Metrics {
    obs::Counter& batches = obs::metrics().counter("kamer_write_batches_total", "Write transactions committed");
    obs::Counter& changes = obs::metrics().counter("kamer_write_changes_total", "Changes committed");
    obs::Counter& failures = obs::metrics().counter("kamer_write_failures_total", "Write transactions that failed");
    obs::Histogram& ack = obs::metrics().histogram("kamer_ack_latency_seconds",
                                                   "From receiving a change to sending its acknowledgement (after commit)");
    obs::Gauge& queue = obs::metrics().gauge("kamer_write_queue_depth", "Changes waiting for the writer");
    obs::Histogram& commit = obs::metrics().histogram(
        "kamer_write_commit_seconds",
        "Round trip that committed a write batch (its last writes and COMMIT, WAL flush included)");
    obs::Histogram& paused = obs::metrics().histogram("kamer_write_paused_seconds",
                                                      "Waits of the writer for delivery and the disclosure log to catch up");
    obs::Counter& one_trip = obs::metrics().counter("kamer_write_one_trip_total",
                                                    "Write transactions sent in one round trip, on cached rooms");
    obs::Counter& room_moved = obs::metrics().counter(
        "kamer_write_rerun_total", "One-trip write transactions run again the long way, by why", {{"why", "room_moved"}});
    obs::Counter& id_stored = obs::metrics().counter(
        "kamer_write_rerun_total", "One-trip write transactions run again the long way, by why", {{"why", "id_stored"}});
};
Metrics& metrics() {
    static Metrics m;
    return m;
}

}  // namespace

Writer::Writer(std::string url, const identity::PartnerRegistry& registry,
               std::function<std::shared_ptr<const policy::Agreement>()> agreement, const delivery::CursorCodec& cursors,
               std::function<void(std::vector<Published>)> publish, Options options)
    : url_(std::move(url)),
      registry_(registry),
      agreement_(std::move(agreement)),
      cursors_(cursors),
      publish_(std::move(publish)),
      options_(std::move(options)) {}

Writer::~Writer() { stop(); }

bool Writer::submit(WriteRequest request) {
    bool wake = false;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= options_.max_queue) return false;
        queue_.push_back(std::move(request));
        metrics().queue.set(static_cast<std::int64_t>(queue_.size()));
        // The writer waits for a first request, then for a full batch or its batch_wait;
        // whatever else arrives it finds when that wait or its batch ends.
        wake = queue_.size() == 1 || queue_.size() == options_.max_batch;
    }
    if (wake) wake_.notify_one();
    return true;
}

std::size_t Writer::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

void Writer::start() { thread_ = named_thread("kamerd-writer", [this] { run(); }); }

void Writer::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Writer::run() {
    std::size_t last = 0;  // changes in the previous batch
    for (;;) {
        std::vector<WriteRequest> batch;
        {
            std::unique_lock lock(mutex_);
            // A batch of one that nothing followed before its answer is a lone client waiting
            // for each answer: a wait would only slow it. Changes that trickle in from several
            // clients are worth gathering.
            bool gather = last > 1 || (!queue_.empty() && queue_.front().received < answered_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping, and everything queued is done
            if (options_.delivery_behind && options_.delivery_behind()) {
                auto from = std::chrono::steady_clock::now();
                while (!stopping_ && options_.delivery_behind()) wake_.wait_for(lock, std::chrono::milliseconds(1));
                metrics().paused.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count());
            }
            if (gather)
                wake_.wait_until(lock, queue_.front().received + options_.batch_wait,
                                 [&] { return stopping_ || queue_.size() >= options_.max_batch; });
            while (!queue_.empty() && batch.size() < options_.max_batch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            metrics().queue.set(static_cast<std::int64_t>(queue_.size()));
        }
        last = batch.size();
        process(batch);
    }
}

Room* Writer::load(pqxx::transaction_base& tx, const std::string& public_id, std::int64_t id, std::int64_t head) {
    auto& slot = cache_[public_id];
    slot.used = batches_;
    if (slot.room && slot.room->head == head) return slot.room.get();
    if (!slot.room || slot.room->head > head) {
        slot.room = std::make_unique<Room>();
        slot.room->id = id;
        slot.room->public_id = public_id;
    }
    // Another node wrote since we last saw the room (or we never did): fold what is new.
    fold_to(tx, *slot.room, head, registry_);
    return slot.room.get();
}

bool Writer::cached_at_hand(const std::vector<std::string>& public_ids) const {
    return std::all_of(public_ids.begin(), public_ids.end(), [&](const std::string& id) {
        auto it = cache_.find(id);
        return it != cache_.end() && it->second.room && !long_way_.count(id);
    });
}

void Writer::process(std::vector<WriteRequest>& batch) {
    ++batches_;
    std::vector<std::pair<int, std::string>> keys;
    std::vector<std::string> wanted;
    for (const auto& r : batch) {
        if (r.client_id) keys.emplace_back(r.caller.organisation.id, *r.client_id);
        wanted.insert(wanted.end(), r.rooms.begin(), r.rooms.end());
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    // With every room of the batch in the cache, the batch runs on the cached rooms and goes to
    // the database in one round trip: BEGIN, a check under the rooms' locks that none moved on
    // (another node may write them), the writes, COMMIT. When a room did move on, or a message
    // id was stored before (its insert into ops fails), all of it is rolled back and the batch
    // runs again the long way: rooms locked and read, stored replies looked up, then the writes.
    bool one_trip = cached_at_hand(wanted);
    for (int attempt = 1;;) {
        std::set<std::string> touched;  // public ids whose cache must go if this attempt fails
        std::vector<std::optional<std::string>> replies(batch.size());
        std::vector<bool> applied(batch.size(), false);
        std::map<std::size_t, std::size_t> duplicate_of;
        try {
            if (!connection_ || store::drop_if_ended(connection_, "writer")) {
                auto fresh = store::connect(url_);
                store::prepare_writes(*fresh);
                connection_ = std::move(fresh);
            }
            auto agreement = agreement_();
            store::BatchTransaction batch_tx(*connection_);
            auto& tx = batch_tx.statements();

            store::BatchStart start;
            std::string check;  // the one-trip batch's first statement
            std::unordered_map<std::string, Room*> locked;
            if (one_trip) {
                std::vector<store::RoomHead> expected;
                for (const auto& id : wanted) {
                    auto& slot = cache_.at(id);
                    slot.used = batches_;
                    touched.insert(id);
                    locked[id] = slot.room.get();
                    expected.push_back({slot.room->id, id, slot.room->head});
                }
                check = store::expect_heads(tx, expected);
            } else {
                start = store::start_batch(batch_tx, keys, wanted);
                for (const auto& h : start.rooms) {
                    touched.insert(h.public_id);
                    locked[h.public_id] = load(tx, h.public_id, h.id, h.head);
                }
            }
            const auto& stored = start.replies;

            BatchChanges changes;
            WriteContext::Services services{
                registry_, *agreement, cursors_,
                [&](const std::string& id) -> Room* {
                    auto it = locked.find(id);
                    return it == locked.end() ? nullptr : it->second;
                },
                [&]() -> Room& {
                    auto room = std::make_unique<Room>();
                    room->id = store::next_room_id(tx);
                    room->public_id = random_uuid();
                    auto* raw = room.get();
                    touched.insert(raw->public_id);
                    cache_[raw->public_id] = {std::move(room), batches_};
                    locked[raw->public_id] = raw;
                    return *raw;
                }};
            const std::string now = format_timestamp(std::chrono::system_clock::now());
            std::map<std::pair<int, std::string>, std::size_t> first_in_batch;
            std::vector<store::NewReply> new_replies;

            for (std::size_t i = 0; i < batch.size(); ++i) {
                auto& r = batch[i];
                if (r.client_id) {
                    std::pair<int, std::string> key{r.caller.organisation.id, *r.client_id};
                    if (auto s = stored.find(key); s != stored.end()) {
                        replies[i] = s->second.request_hash == r.request_hash
                                         ? s->second.reply
                                         : encode_error({ErrorCode::idempotency_conflict, "id",
                                                         "message id " + *r.client_id +
                                                             " was already used for a different request"},
                                                        r.client_id);
                        continue;
                    }
                    if (auto f = first_in_batch.find(key); f != first_in_batch.end()) {
                        duplicate_of[i] = f->second;
                        continue;
                    }
                    first_in_batch[key] = i;
                }
                WriteContext context(services, r.caller, now, changes);
                auto outcome = r.command(context);
                if (outcome.error) {
                    replies[i] = encode_error(*outcome.error, r.client_id);
                    continue;
                }
                applied[i] = true;
                replies[i] = protocol::encode_envelope(outcome.reply_type, outcome.reply, std::nullopt, r.client_id);
                if (r.client_id)
                    new_replies.push_back({r.caller.organisation.id, *r.client_id, r.request_hash, *replies[i]});
            }

            std::vector<const Room*> rooms, member_rooms;
            std::vector<store::RoomRange> heads;
            std::unordered_map<std::int64_t, const Room*> by_id;
            for (const auto& [id, room] : locked) by_id[room->id] = room;
            std::unordered_map<std::int64_t, std::int64_t> first_seq;
            for (const auto& e : changes.entries)
                if (!first_seq.count(e.room)) first_seq[e.room] = e.seq;
            for (auto id : changes.rooms) {
                rooms.push_back(by_id.at(id));
                heads.push_back({id, first_seq.at(id), by_id.at(id)->head});
            }
            for (auto id : changes.members) member_rooms.push_back(by_id.at(id));
            std::vector<std::pair<const Room*, const Item*>> items;
            for (const auto& [room, item] : changes.items) items.emplace_back(by_id.at(room), &by_id.at(room)->items.at(item));

            store::WriteScript script(tx);
            store::save_rooms(script, rooms);
            store::insert_entries(script, changes.entries);
            store::save_members(script, member_rooms);
            store::save_items(script, items);
            store::save_grants(script, items);
            store::insert_replies(script, new_replies);
            store::notify_rooms(script, heads, options_.node);
            if (!changes.redacted.empty()) {
                // Redaction rewrites entries the script may just have inserted.
                if (!batch_tx.begun()) batch_tx.begin(check);
                script.run();
                for (const auto& [room, item] : changes.redacted) store::redact_entries(tx, room, item);
            }
            auto committing = std::chrono::steady_clock::now();
            batch_tx.commit(batch_tx.begun() ? script.release() : check + script.release());
            healthy_ = true;

            auto sent = answered_ = std::chrono::steady_clock::now();
            auto& m = metrics();
            m.commit.observe(std::chrono::duration<double>(sent - committing).count());
            m.batches.inc();
            if (one_trip) m.one_trip.inc();
            m.changes.inc(changes.entries.size());
            for (std::size_t i = 0; i < batch.size(); ++i) {
                auto& reply = duplicate_of.count(i) ? replies[duplicate_of[i]] : replies[i];
                batch[i].respond(*reply);
                m.ack.observe(std::chrono::duration<double>(sent - batch[i].received).count());
            }
            std::map<std::int64_t, Published> published;
            for (auto& e : changes.entries) {
                auto& p = published[e.room];
                p.room = e.room;
                p.entries.push_back(std::move(e));
            }
            std::vector<Published> out;
            for (auto& [id, p] : published) {
                const Room* room = by_id.at(id);
                p.public_id = room->public_id;
                p.policy = std::make_shared<const policy::PolicyRoom>(policy_view(*room, registry_));
                out.push_back(std::move(p));
            }
            if (!out.empty()) publish_(std::move(out));

            if (cache_.size() > options_.max_cached_rooms) {
                for (auto it = cache_.begin(); it != cache_.end();)
                    it = it->second.used + 2 < batches_ ? cache_.erase(it) : std::next(it);
            }
            return;
        } catch (const std::exception& e) {
            // The cached rooms of this attempt may hold uncommitted changes: forget them.
            for (const auto& id : touched) cache_.erase(id);
            auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
            bool moved = sql && sql->sqlstate() == store::expect_heads_failed;
            if (one_trip && (moved || dynamic_cast<const pqxx::unique_violation*>(&e))) {
                one_trip = false;
                (moved ? metrics().room_moved : metrics().id_stored).inc();
                // These rooms go the long way from now on: each rerun costs reading them afresh,
                // and where other nodes write, or a client sends its ids again (perhaps in a
                // loop), a one-trip try would keep being rolled back.
                if (long_way_.size() > options_.max_cached_rooms) long_way_.clear();
                long_way_.insert(wanted.begin(), wanted.end());
                continue;  // at once, and not as a failed attempt
            }
            metrics().failures.inc();
            bool in_doubt = dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr;
            bool broken = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr;
            if (broken || in_doubt) connection_.reset();
            healthy_ = !(broken || in_doubt);
            log::warn(logger(), "write.failed",
                      {{"reason", store::error_reason(e)}, {"attempt", std::int64_t(attempt)},
                       {"changes", std::uint64_t(batch.size())}});
            if (!in_doubt && attempt < 3 && (broken || retriable(e))) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
                ++attempt;
                one_trip = one_trip && cached_at_hand(wanted);  // the failed try's rooms left the cache
                continue;
            }
            for (std::size_t i = 0; i < batch.size(); ++i) {
                auto& r = batch[i];
                bool decided = replies[i].has_value() && !applied[i];  // an error or a stored reply: still true
                if (decided) {
                    r.respond(*replies[i]);
                } else if (in_doubt) {
                    r.respond(encode_error({ErrorCode::outcome_unknown, "",
                                            "the change may or may not have been stored; send it again with the same id"},
                                           r.client_id));
                } else {
                    r.respond(encode_error({ErrorCode::unavailable, "", "the database is not available; try again later"},
                                           r.client_id));
                }
            }
            return;
        }
    }
}

}  // namespace kamer::server::rooms
