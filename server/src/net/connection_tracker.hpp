#pragma once
// Connection caps (in total, per remote address, per organisation) and the set of live
// sessions, so that the server can close all of one organisation's sessions (revocation,
// suspension) or all of them (shutdown). Thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/config.hpp"

namespace kamer::server::net {

class Session;

class ConnectionTracker {
public:
    explicit ConnectionTracker(const Config::Limits& limits) : limits_(limits) {}

    // At accept. False when the total or the per-address cap is reached.
    bool admit_connection(const std::string& address);
    void release_connection(const std::string& address);

    // After authentication. False when the organisation's cap is reached.
    bool admit_session(std::uint64_t id, int organisation, std::weak_ptr<Session> session);
    void release_session(std::uint64_t id, int organisation);

    std::vector<std::shared_ptr<Session>> sessions() const;
    std::vector<std::shared_ptr<Session>> sessions_of(int organisation) const;
    // The organisations with a session now.
    std::vector<int> organisations() const;
    std::size_t connections() const;

private:
    const Config::Limits& limits_;
    mutable std::mutex mutex_;
    std::size_t total_ = 0;
    std::unordered_map<std::string, unsigned> per_address_;
    std::unordered_map<int, unsigned> per_organisation_;
    std::map<std::uint64_t, std::pair<int, std::weak_ptr<Session>>> sessions_;
};

}  // namespace kamer::server::net
