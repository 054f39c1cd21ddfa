#pragma once
// The state of safety-plan checkpoints and agreements, computed from the reports and today's
// date: never typed in.
#include <optional>
#include <string>

#include "kamer/protocol/messages/items.hpp"
#include "rooms/room.hpp"

namespace kamer::server::rooms {

protocol::CheckpointStatus checkpoint_status(const std::string& date, const std::optional<bool>& held,
                                             const std::string& today);

// broken: a checkpoint failed; attention: one is due and not reported; else on-track.
protocol::AgreementStatus agreement_status(const Item& agreement, const std::string& today);

}  // namespace kamer::server::rooms
