#include "member.hpp"

#include <gtest/gtest.h>

#include <ctime>

namespace kamer::test {

std::string date_offset(int days) {
    std::time_t t = std::time(nullptr) + days * 86400;
    std::tm tm{};
    localtime_r(&t, &tm);
    char out[16];
    std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
    return out;
}

Member::Member(const std::string& slug, std::uint16_t port)
    : slug_(slug), oin_(partner(slug).oin), connection_(client_options(slug, port)) {}

void Member::take(const protocol::Envelope& env, std::vector<ReceivedEvent>& into) {
    if (env.type == protocol::Notice::type) {
        notices.push_back(env);
        return;
    }
    if (env.type != protocol::Events::type) return;
    auto events = protocol::decode_body<protocol::Events>(env, protocol::DecodeOptions{false});
    for (auto& e : events.events) into.push_back({events.room, e.cursor, std::move(e.entry)});
}

std::vector<ReceivedEvent> Member::subscribe(const std::string& room, std::optional<std::string> after) {
    protocol::Subscribe s;
    s.room = room;
    if (after) s.after = *after;
    connection_.call(s);
    // The reply follows the catch-up events, so they are all in the inbox now.
    std::vector<ReceivedEvent> out;
    while (auto env = connection_.receive(std::chrono::milliseconds(0))) take(*env, out);
    return out;
}

std::vector<ReceivedEvent> Member::events(std::chrono::milliseconds quiet) {
    std::vector<ReceivedEvent> out = std::move(pending_);
    pending_.clear();
    while (auto env = connection_.receive(quiet)) take(*env, out);
    return out;
}

ReceivedEvent Member::wait_for(const std::string& kind, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
            if (it->entry.kind == kind) {
                auto e = std::move(*it);
                pending_.erase(it);
                return e;
            }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        if (auto env = connection_.receive(left)) take(*env, pending_);
    }
    ADD_FAILURE() << slug_ << ": no " << kind << " event arrived";
    return {};
}

std::vector<std::string> kinds(const std::vector<ReceivedEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.entry.kind);
    return out;
}

std::vector<std::string> texts(const std::vector<ReceivedEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        if (auto* t = e.entry.data.if_contains("text"); t && t->is_string()) out.emplace_back(t->as_string());
    return out;
}

}  // namespace kamer::test
