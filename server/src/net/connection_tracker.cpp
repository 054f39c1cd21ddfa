#include "net/connection_tracker.hpp"

#include <algorithm>

namespace kamer::server::net {

bool ConnectionTracker::admit_connection(const std::string& address) {
    std::lock_guard lock(mutex_);
    auto& n = per_address_[address];
    if (total_ >= limits_.max_connections || n >= limits_.max_connections_per_address) {
        if (n == 0) per_address_.erase(address);
        return false;
    }
    ++n;
    ++total_;
    return true;
}

void ConnectionTracker::release_connection(const std::string& address) {
    std::lock_guard lock(mutex_);
    if (auto it = per_address_.find(address); it != per_address_.end() && --it->second == 0) per_address_.erase(it);
    --total_;
}

bool ConnectionTracker::admit_session(std::uint64_t id, int organisation, std::weak_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    auto& n = per_organisation_[organisation];
    if (n >= limits_.max_connections_per_organisation) return false;
    ++n;
    sessions_.emplace(id, std::make_pair(organisation, std::move(session)));
    return true;
}

void ConnectionTracker::release_session(std::uint64_t id, int organisation) {
    std::lock_guard lock(mutex_);
    if (sessions_.erase(id) == 0) return;
    if (auto it = per_organisation_.find(organisation); it != per_organisation_.end() && --it->second == 0)
        per_organisation_.erase(it);
}

std::vector<std::shared_ptr<Session>> ConnectionTracker::sessions() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> out;
    for (const auto& [id, entry] : sessions_)
        if (auto s = entry.second.lock()) out.push_back(std::move(s));
    return out;
}

std::vector<std::shared_ptr<Session>> ConnectionTracker::sessions_of(int organisation) const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<Session>> out;
    for (const auto& [id, entry] : sessions_)
        if (entry.first == organisation)
            if (auto s = entry.second.lock()) out.push_back(std::move(s));
    return out;
}

std::vector<int> ConnectionTracker::organisations() const {
    std::lock_guard lock(mutex_);
    std::vector<int> out;
    for (const auto& [id, entry] : sessions_) out.push_back(entry.first);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::size_t ConnectionTracker::connections() const {
    std::lock_guard lock(mutex_);
    return total_;
}

}  // namespace kamer::server::net
