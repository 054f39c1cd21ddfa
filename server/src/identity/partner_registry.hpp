#pragma once
// The partner registry as every node holds it in memory: OIN -> organisation. Reads are
// lock-free snapshots (used on the handshake path); the whole map is replaced on change.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kamer/protocol/vocabulary.hpp"

namespace kamer::server::identity {

struct Organisation {
    int id = 0;
    std::string oin;
    std::string name;
    protocol::Sector sector = protocol::Sector::gemeente;
    protocol::OrganisationStatus status = protocol::OrganisationStatus::active;
    bool operator_role = false;  // may administer the registry and retention
};

class PartnerRegistry {
public:
    PartnerRegistry();

    std::optional<Organisation> find(std::string_view oin) const;
    std::optional<Organisation> find(int id) const;
    std::size_t size() const;
    std::vector<Organisation> all() const;  // by name

    void replace(std::vector<Organisation> organisations);

private:
    struct Snapshot {
        std::unordered_map<std::string, Organisation> by_oin;
        std::unordered_map<int, std::string> oin_by_id;
    };
    std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
};

}  // namespace kamer::server::identity
