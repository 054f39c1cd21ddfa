#include "fault_clients.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "member.hpp"

#include "kamer/client/blocking_connection.hpp"

namespace kamer::test {

FaultClients::FaultClients(std::uint16_t port, std::string room, std::vector<std::string> slugs)
    : port_(port), room_(std::move(room)) {
    for (auto& slug : slugs) ledgers_.push_back({std::move(slug), {}, {}});
}

FaultClients::~FaultClients() { stop(Clock::now()); }

void FaultClients::start() {
    for (auto& ledger : ledgers_) threads_.emplace_back([this, &ledger] { run(ledger); });
}

void FaultClients::finish(std::chrono::seconds grace) {
    if (threads_.empty()) return;
    stop(Clock::now() + grace);
    for (const auto& ledger : ledgers_)
        if (!ledger.attempts.empty() && !ledger.attempts.back().item)
            ADD_FAILURE() << ledger.slug << " could not finish its last item within " << grace.count() << " s";
}

void FaultClients::stop(Clock::time_point give_up_at) {
    give_up_at_ = give_up_at.time_since_epoch().count();
    stopping_ = true;
    for (auto& t : threads_) t.join();
    threads_.clear();
}

void FaultClients::run(ClientLedger& ledger) {
    auto options = client_options(ledger.slug, port_);
    // A killed server does not answer: give up on a request (and count it as in doubt) soon.
    options.timeout = std::chrono::seconds(3);
    std::unique_ptr<client::BlockingConnection> connection;
    for (int n = 0; !stopping_; ++n) {
        Attempt attempt;
        attempt.id = ledger.slug + "-" + std::to_string(n);
        attempt.text = "fault test item " + attempt.id;
        protocol::ContributionPost post;
        post.room = room_;
        post.text = attempt.text;
        post.category = protocol::Category::general;
        while (!attempt.item && !giving_up()) {
            if (!connection) {
                try {
                    connection = std::make_unique<client::BlockingConnection>(options);
                } catch (const std::exception&) {
                    ++ledger.errors["connect"];
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
                    continue;
                }
            }
            try {
                auto ok = connection->call(post, attempt.id);
                attempt.item = ok.item.value_or("");
                attempt.acked_at = Clock::now();
                ++acknowledged_;
            } catch (const client::RequestError& e) {
                ++ledger.errors[std::string(protocol::to_string(e.code()))];
                switch (e.code()) {
                    case protocol::ErrorCode::unavailable:
                        // Nothing was stored: the same id again, a little later.
                        std::this_thread::sleep_for(std::chrono::milliseconds(50));
                        break;
                    case protocol::ErrorCode::outcome_unknown:
                        attempt.in_doubt = true;
                        break;
                    case protocol::ErrorCode::disconnected:
                    case protocol::ErrorCode::timeout:
                        attempt.in_doubt = true;
                        connection.reset();
                        break;
                    default:
                        // Anything else is a refusal the test does not expect: record it and move on.
                        attempt.item = "";
                        break;
                }
            } catch (const std::exception& e) {
                ++ledger.errors["exception"];
                attempt.in_doubt = true;
                connection.reset();
            }
        }
        ledger.attempts.push_back(std::move(attempt));
    }
}

std::vector<Delivery> drain(std::uint16_t port, const std::string& slug, const std::string& room) {
    // Right after an outage a read may still meet a connection the database dropped: the
    // server answers `unavailable`, and a partner system tries again.
    std::vector<ReceivedEvent> events;
    for (int attempt = 1;; ++attempt) {
        try {
            Member member(slug, port);
            events = member.subscribe(room);
            break;
        } catch (const client::RequestError& e) {
            if (e.code() != protocol::ErrorCode::unavailable || attempt == 10) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    std::vector<Delivery> out;
    for (auto& e : events) {
        if (e.entry.kind != "contribution.posted") continue;
        auto text = e.entry.data.if_contains("text");
        out.push_back({e.entry.item.value_or(""), text && text->is_string() ? std::string(text->as_string()) : ""});
    }
    return out;
}

Counts count(const std::vector<ClientLedger>& ledgers, const std::map<std::string, std::vector<Delivery>>& deliveries) {
    Counts c;
    std::map<std::string, const Attempt*> by_text;
    for (const auto& ledger : ledgers)
        for (const auto& a : ledger.attempts) {
            ++c.attempted;
            if (a.item && !a.item->empty()) ++c.acknowledged;
            if (a.in_doubt) ++c.in_doubt;
            by_text[a.text] = &a;
        }
    std::set<std::string> lost, recovered, duplicated, mismatched, unexpected;
    std::map<std::string, std::set<std::string>> items_of_text;  // across members
    for (const auto& [slug, delivered] : deliveries) {
        std::map<std::string, int> seen;
        for (const auto& d : delivered) {
            ++seen[d.text];
            items_of_text[d.text].insert(d.item);
            auto it = by_text.find(d.text);
            if (it == by_text.end()) {
                unexpected.insert(d.text);
                continue;
            }
            const Attempt& a = *it->second;
            if (a.item && !a.item->empty() && *a.item != d.item) mismatched.insert(d.text);
            if (a.in_doubt) recovered.insert(d.text);
        }
        for (const auto& [text, n] : seen)
            if (n > 1) duplicated.insert(text);
        for (const auto& [text, a] : by_text)
            if (a->item && !a->item->empty() && !seen.count(text)) lost.insert(text);
    }
    for (const auto& [text, items] : items_of_text)
        if (items.size() > 1) duplicated.insert(text);
    c.lost = lost.size();
    c.unexpected = unexpected.size();
    c.duplicated = duplicated.size();
    c.recovered = recovered.size();
    c.mismatched = mismatched.size();
    return c;
}

std::string Counts::describe() const {
    std::ostringstream out;
    out << "attempted " << attempted << ", acknowledged " << acknowledged << ", lost " << lost << ", unexpected "
        << unexpected << ", duplicated " << duplicated << ", in doubt " << in_doubt << ", recovered " << recovered
        << ", acknowledged under another item id " << mismatched;
    return out.str();
}

}  // namespace kamer::test
