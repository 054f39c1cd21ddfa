#include "rooms/plan_state.hpp"

namespace kamer::server::rooms {

protocol::CheckpointStatus checkpoint_status(const std::string& date, const std::optional<bool>& held,
                                             const std::string& today) {
    if (held) return *held ? protocol::CheckpointStatus::held : protocol::CheckpointStatus::failed;
    return date <= today ? protocol::CheckpointStatus::due : protocol::CheckpointStatus::pending;
}

protocol::AgreementStatus agreement_status(const Item& agreement, const std::string& today) {
    bool attention = false;
    for (const auto& [date, held] : agreement.checkpoints) {
        auto s = checkpoint_status(date, held, today);
        if (s == protocol::CheckpointStatus::failed) return protocol::AgreementStatus::broken;
        attention = attention || s == protocol::CheckpointStatus::due;
    }
    return attention ? protocol::AgreementStatus::attention : protocol::AgreementStatus::on_track;
}

}  // namespace kamer::server::rooms
