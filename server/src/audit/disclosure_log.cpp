#include "audit/disclosure_log.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <string_view>

#include <boost/json.hpp>

#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "store/database.hpp"
#include "util/ids.hpp"
#include "util/json_text.hpp"
#include "util/named_thread.hpp"

namespace kamer::server::audit {
namespace json = boost::json;

namespace {

constexpr std::size_t hash_size = 32;

// See kamer_append_disclosures (migration 0007). Prepared once per connection.
constexpr const char* append_rows = "kamer_append_disclosures";
constexpr const char* append_rows_sql = "SELECT kamer_append_disclosures($1::json, $2::bytea, $3, $4)";
constexpr const char* log_moved_on = "KM002";

spdlog::logger& logger() {
    static auto l = log::get("audit");
    return *l;
}

std::string view_name(policy::View v) {
    switch (v) {
        case policy::View::full: return "full";
        case policy::View::signal: return "signal";
        case policy::View::none: return "withheld";
    }
    return "withheld";
}

std::string sha256(const std::string& prev, std::string_view body) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx.get(), prev.data(), prev.size());
    EVP_DigestUpdate(ctx.get(), body.data(), body.size());
    EVP_DigestFinal_ex(ctx.get(), out, &n);
    return std::string(reinterpret_cast<char*>(out), n);
}

std::string hex(const std::string& bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) (out += digits[c >> 4]) += digits[c & 0xf];
    return out;
}

}  // namespace

std::string row_body(std::int64_t seq, const std::string& at, const Batch& batch) {
    // Written as text, not built as a JSON document first: a resume page's row holds 2 000
    // records, and an object per record cost kamerd 12 ms of CPU per resume of 10 000 entries.
    std::string out;
    out.reserve(160 + batch.records.size() * 200);
    auto text = [&out](std::string_view key, std::string_view value) {
        out += ",\"";
        out += key;
        out += "\":";
        append_json_string(out, value);
    };
    out += "{\"seq\":";
    out += std::to_string(seq);
    text("at", at);
    text("room", batch.room_public);
    text("how", batch.how);
    text("purpose", batch.purpose);
    out += ",\"records\":[";
    for (const auto& r : batch.records) {
        if (&r != &batch.records.front()) out += ',';
        out += "{\"e\":";
        out += std::to_string(r.entry);
        if (!r.item.empty()) text("i", r.item);
        text("k", r.kind);
        if (r.category) text("c", protocol::to_string(*r.category));
        if (!r.persons.empty()) {
            out += ",\"p\":[";
            for (const auto& ref : r.persons) {
                if (&ref != &r.persons.front()) out += ',';
                append_json_string(out, ref);
            }
            out += ']';
        }
        text("o", r.recipient);
        if (!r.actor.empty()) text("a", r.actor);
        if (!r.actor_for.empty()) text("af", r.actor_for);
        text("r", r.role);
        text("v", view_name(r.view));
        text("b", r.basis);
        out += '}';
    }
    out += "]}";
    return out;
}

DisclosureLog::DisclosureLog(std::string url, Options options) : url_(std::move(url)), options_(options) {}

DisclosureLog::~DisclosureLog() { stop(); }

bool DisclosureLog::submit(Batch batch) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= options_.max_queue) return false;
        queue_.push_back(std::move(batch));
    }
    wake_.notify_one();
    return true;
}

void DisclosureLog::start() { thread_ = named_thread("kamerd-disclose", [this] { run(); }); }

void DisclosureLog::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void DisclosureLog::run() {
    auto& queued = obs::metrics().gauge("kamer_disclosure_queue_depth", "Disclosure batches waiting to be logged");
    for (;;) {
        std::vector<Batch> batches;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;
            std::size_t rows = 0;
            while (!queue_.empty() && rows < options_.max_rows) {
                batches.push_back(std::move(queue_.front()));
                queue_.pop_front();
                ++rows;
            }
            queued.set(static_cast<std::int64_t>(queue_.size()));
        }
        write(batches);
    }
}

void DisclosureLog::write(std::vector<Batch>& batches) {
    static auto& rows_written = obs::metrics().counter("kamer_disclosure_rows_total", "Disclosure log rows written");
    static auto& records_written =
        obs::metrics().counter("kamer_disclosure_records_total", "Disclosure decisions logged (one per recipient and entry)");
    static auto& rebuilt = obs::metrics().counter("kamer_disclosure_rebuilt_total",
                                                  "Appends built again because another node's rows came first");
    static auto& commit = obs::metrics().histogram(
        "kamer_disclosure_commit_seconds",
        "Round trip that committed an append of disclosure rows (WAL flush included)");
    auto backoff = std::chrono::milliseconds(50);
    // Deliveries wait while the database is away; they are never made unlogged. Give up only
    // when stopping, and then tell every waiting delivery that it must not be made.
    for (;;) {
        try {
            if (!connection_ || store::drop_if_ended(connection_, "disclosure_log")) {
                connection_ = store::connect(url_);
                connection_->prepare(append_rows, append_rows_sql);
                head_.reset();
            }
            if (!head_) {
                auto last = pqxx::nontransaction(*connection_)
                                .exec("SELECT seq, hash FROM disclosures ORDER BY seq DESC LIMIT 1");
                head_ = last.empty() ? Head{}
                                     : Head{last[0][0].as<std::int64_t>(), pqxx::binarystring(last[0][1]).str()};
            }
            std::int64_t seq = head_->seq;
            // The first row is chained to a hash of zeros.
            const std::string chained_to = head_->seq ? head_->hash : std::string(hash_size, '\0');
            std::string prev = chained_to;
            const std::string at = format_timestamp(std::chrono::system_clock::now());
            json::array rows;
            std::string bodies;
            std::uint64_t records = 0;
            for (const auto& b : batches) {
                ++seq;
                auto start = bodies.size();
                bodies += row_body(seq, at, b);
                auto body = std::string_view(bodies).substr(start);
                auto hash = sha256(prev, body);
                rows.push_back(json::object{{"seq", seq},
                                            {"at", at},
                                            {"room_id", b.room ? json::value(b.room) : json::value(nullptr)},
                                            {"how", b.how},
                                            {"records", b.records.size()},
                                            {"start", start + 1},
                                            {"length", body.size()},
                                            {"prev_hash", hex(prev)},
                                            {"hash", hex(hash)}});
                records += b.records.size();
                prev = std::move(hash);
            }
            // One round trip, committed when it returns: the statement runs outside a transaction
            // block, and an interrupted one leaves the outcome unknown like a lost COMMIT (the
            // retry then logs the batches again, on the head it reads afresh: a decision may be
            // logged twice, never not at all).
            const auto rows_text = json::serialize(rows);
            const pqxx::binarystring body_bytes(bodies), chained_bytes(chained_to);
            auto committing = std::chrono::steady_clock::now();
            pqxx::nontransaction(*connection_)
                .exec_prepared(append_rows, rows_text, body_bytes, head_->seq, chained_bytes);
            commit.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - committing).count());
            head_ = Head{seq, prev};
            healthy_ = true;
            rows_written.inc(batches.size());
            records_written.inc(records);
            for (auto& b : batches)
                if (b.done) b.done(true);
            return;
        } catch (const std::exception& e) {
            if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql && sql->sqlstate() == log_moved_on) {
                // Another node appended since this one read the head: read it again, build again.
                rebuilt.inc();
                head_.reset();
                continue;
            }
            connection_.reset();
            healthy_ = false;
            log::warn(logger(), "disclosure.write_failed", {{"reason", store::error_reason(e)},
                                                            {"rows", std::uint64_t(batches.size())}});
            bool give_up;
            {
                std::lock_guard lock(mutex_);
                give_up = stopping_;
            }
            if (give_up) {
                for (auto& b : batches)
                    if (b.done) b.done(false);
                return;
            }
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
        }
    }
}

Verification verify(pqxx::connection& connection) {
    Verification v;
    auto start = std::chrono::steady_clock::now();
    std::string prev(hash_size, '\0');
    std::int64_t expected = 1;
    // Pages of about 8 MB: libpq assembles a whole result in memory, and results of tens of
    // megabytes (20 000 live rows, or 200 rows of resume pages of 2 000 decisions each) spent
    // most of the time moving that buffer and faulting in fresh memory. On a log of resume
    // rows (380 KB each), 2, 4, 8 and 16 MB pages verified in 0.60, 0.44, 0.36 and 0.42 s.
    constexpr std::int64_t page_bytes = 8 << 20, max_page = 200;
    std::int64_t page = 10;  // adapts once the size of the rows is known
    pqxx::read_transaction tx(connection);
    for (;;) {
        auto rows = tx.exec_params("SELECT seq, body, prev_hash, hash FROM disclosures"
                                   " WHERE seq >= $1 ORDER BY seq LIMIT $2",
                                   expected, page);
        std::int64_t bytes = 0;
        for (const auto& r : rows) {
            auto seq = r[0].as<std::int64_t>();
            std::string_view body(r[1].c_str(), r[1].size());
            bytes += static_cast<std::int64_t>(body.size());
            std::string stored_prev = pqxx::binarystring(r[2]).str();
            std::string stored_hash = pqxx::binarystring(r[3]).str();
            std::string problem;
            std::string prefix = "{\"seq\":" + std::to_string(seq) + ",";
            if (seq != expected)
                problem = "row " + std::to_string(expected) + " is missing";
            else if (stored_prev != prev)
                problem = "its previous-hash does not match the row before it";
            else if (body.compare(0, prefix.size(), prefix) != 0)
                problem = "its body does not belong to this position";
            else if (sha256(prev, body) != stored_hash)
                problem = "its content does not match its hash";
            if (!problem.empty()) {
                v.intact = false;
                v.first_broken = seq == expected ? seq : expected;
                v.problem = problem;
                v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                return v;
            }
            ++v.rows;
            // Count from the hashed body, not from a column the hash does not cover. Inside a
            // JSON string a quote is escaped, so this key pattern only occurs as a record key.
            for (auto at = body.find("{\"e\":"); at != std::string::npos; at = body.find("{\"e\":", at + 5)) ++v.records;
            prev = stored_hash;
            ++expected;
        }
        if (rows.size() < static_cast<std::size_t>(page)) break;
        page = std::clamp(page * page_bytes / std::max<std::int64_t>(bytes, 1), std::int64_t{1}, max_page);
    }
    v.head_hash = hex(prev);
    v.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return v;
}

}  // namespace kamer::server::audit
