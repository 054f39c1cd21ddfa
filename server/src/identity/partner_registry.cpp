#include "identity/partner_registry.hpp"

#include <algorithm>
#include <tuple>

namespace kamer::server::identity {

PartnerRegistry::PartnerRegistry() : snapshot_(std::make_shared<const Snapshot>()) {}

std::optional<Organisation> PartnerRegistry::find(std::string_view oin) const {
    auto snap = snapshot_.load();
    auto it = snap->by_oin.find(std::string(oin));
    if (it == snap->by_oin.end()) return std::nullopt;
    return it->second;
}

std::optional<Organisation> PartnerRegistry::find(int id) const {
    auto snap = snapshot_.load();
    auto it = snap->oin_by_id.find(id);
    if (it == snap->oin_by_id.end()) return std::nullopt;
    return snap->by_oin.at(it->second);
}

std::size_t PartnerRegistry::size() const { return snapshot_.load()->by_oin.size(); }

std::vector<Organisation> PartnerRegistry::all() const {
    auto snap = snapshot_.load();
    std::vector<Organisation> out;
    out.reserve(snap->by_oin.size());
    for (const auto& [oin, o] : snap->by_oin) out.push_back(o);
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return std::tie(a.name, a.oin) < std::tie(b.name, b.oin); });
    return out;
}

void PartnerRegistry::replace(std::vector<Organisation> organisations) {
    auto next = std::make_shared<Snapshot>();
    for (auto& o : organisations) {
        next->oin_by_id.emplace(o.id, o.oin);
        next->by_oin.emplace(o.oin, std::move(o));
    }
    snapshot_.store(std::move(next));
}

}  // namespace kamer::server::identity
