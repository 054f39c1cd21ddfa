#pragma once
// The commands that change rooms: each validates against the room as it is and appends the
// entries of its change. Run by the writer inside a batch transaction (write_context.hpp).
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/meetings.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "rooms/write_context.hpp"

namespace kamer::server::rooms {

// Opens a room chaired by `chair` (whose sector the agreement must allow to chair the kind).
struct RoomSpec {
    protocol::RoomKind kind;
    int chair;
    std::string case_ref;
    std::optional<protocol::Name> title;
    protocol::List<protocol::Person, 20> persons;
    std::optional<protocol::Uuid> parent;
    bool anonymous;
};
Room* open_room(WriteContext& c, const RoomSpec& spec, std::optional<protocol::Error>& problem);

// commands_room.cpp: rooms, lifecycle, membership, persons
Outcome run(WriteContext& c, const protocol::RoomOpen& r);
Outcome run(WriteContext& c, const protocol::RoomTransition& r);
Outcome run(WriteContext& c, const protocol::PersonAdd& r);
Outcome run(WriteContext& c, const protocol::PersonIdentify& r);
Outcome run(WriteContext& c, const protocol::MemberInvite& r);
Outcome run(WriteContext& c, const protocol::MemberAccept& r);
Outcome run(WriteContext& c, const protocol::MemberDecline& r);
Outcome run(WriteContext& c, const protocol::MemberRemove& r);
Outcome run(WriteContext& c, const protocol::MemberLeave& r);
Outcome run(WriteContext& c, const protocol::MemberSetRegisseur& r);

// commands_meeting.cpp
Outcome run(WriteContext& c, const protocol::MeetingSchedule& r);
Outcome run(WriteContext& c, const protocol::AgendaAdd& r);
Outcome run(WriteContext& c, const protocol::MeetingStart& r);
Outcome run(WriteContext& c, const protocol::MeetingClose& r);
Outcome run(WriteContext& c, const protocol::AttendanceRecord& r);

// commands_item.cpp: case information
Outcome run(WriteContext& c, const protocol::ContributionPost& r);
Outcome run(WriteContext& c, const protocol::DecisionRecord& r);
Outcome run(WriteContext& c, const protocol::DecisionComplete& r);
Outcome run(WriteContext& c, const protocol::AnalysisEdit& r);
Outcome run(WriteContext& c, const protocol::PlanAgreementAdd& r);
Outcome run(WriteContext& c, const protocol::CheckpointReport& r);
Outcome run(WriteContext& c, const protocol::ItemCorrect& r);
Outcome run(WriteContext& c, const protocol::ItemRedact& r);
Outcome run(WriteContext& c, const protocol::AccessRequest& r);
Outcome run(WriteContext& c, const protocol::AccessDecide& r);
Outcome run(WriteContext& c, const protocol::AccessWithdraw& r);

// commands_handover.cpp: escalation and Veilig Thuis advice
Outcome run(WriteContext& c, const protocol::RoomEscalate& r);
Outcome run(WriteContext& c, const protocol::RoomDeescalate& r);
Outcome run(WriteContext& c, const protocol::AdviceOpen& r);
Outcome run(WriteContext& c, const protocol::AdviceAnswer& r);
Outcome run(WriteContext& c, const protocol::AdviceReport& r);

}  // namespace kamer::server::rooms
