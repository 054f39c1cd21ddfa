#pragma once
// What members receive: every change in a room is an entry of the room's log, delivered as an
// event {cursor, entry}. `entry.kind` says which `data` struct below it carries. Items (case
// information) also carry item, version, category, audience and the persons concerned.
#include <boost/describe.hpp>
#include <boost/json.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/common.hpp"

namespace kamer::protocol {

struct Entry {
    Token kind;
    std::optional<Uuid> item;
    std::optional<Int<1, INT64_MAX>> version;
    Timestamp at;
    OrganisationRef author;
    std::optional<Actor> actor;
    std::optional<Category> category;
    std::optional<Audience> audience;
    std::optional<List<Token, 50>> persons;
    std::optional<bool> redacted;  // the content was removed (redaction or retention)
    boost::json::object data;
};
BOOST_DESCRIBE_STRUCT(Entry, (), (kind, item, version, at, author, actor, category, audience, persons, redacted, data))

struct Event {
    Cursor cursor;
    Entry entry;
};
BOOST_DESCRIBE_STRUCT(Event, (), (cursor, entry))

// Server to client: entries of one room, in order. Sent while subscribed and in replies.
struct Events {
    static constexpr std::string_view type = "events";
    Uuid room;
    List<Event, 1000> events;
};
BOOST_DESCRIBE_STRUCT(Events, (), (room, events))

// Server to client, outside any room stream: something concerning the organisation itself
// (an invitation, a removal). `entry` is the room entry that caused it.
struct Notice {
    static constexpr std::string_view type = "notice";
    Uuid room;
    Entry entry;
};
BOOST_DESCRIBE_STRUCT(Notice, (), (room, entry))

// ---- entry data, by kind ----

struct AgendaItem {
    Uuid id;
    Name title;
};
BOOST_DESCRIBE_STRUCT(AgendaItem, (), (id, title))

// room.opened
struct RoomOpenedData {
    RoomKind kind = RoomKind::lokale_kamer;
    Name case_ref;
    std::optional<Name> title;
    List<Person, 20> persons;
    OrganisationRef chair;
    Oin regisseur;
    std::optional<Uuid> parent;  // the room this case came from (escalation, de-escalation)
    bool anonymous = false;      // vt-advies: no identifiers until a report is made
};
BOOST_DESCRIBE_STRUCT(RoomOpenedData, (), (kind, case_ref, title, persons, chair, regisseur, parent, anonymous))

// room.transitioned
struct RoomTransitionedData {
    RoomState from = RoomState::referred;
    RoomState to = RoomState::referred;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(RoomTransitionedData, (), (from, to, reason))

// member.invited, member.joined, member.declined, member.removed, member.left, member.regisseur
struct MemberData {
    OrganisationRef organisation;
    std::optional<Role> role;
    std::optional<Text> reason;
};
BOOST_DESCRIBE_STRUCT(MemberData, (), (organisation, role, reason))

// person.added
struct PersonAddedData {
    Person person;
};
BOOST_DESCRIBE_STRUCT(PersonAddedData, (), (person))

// person.identified (an item: identifiers are personal data)
struct PersonIdentifiedData {
    Token ref;
    PersonIdentifiers identifiers;
};
BOOST_DESCRIBE_STRUCT(PersonIdentifiedData, (), (ref, identifiers))

// meeting.scheduled
struct MeetingScheduledData {
    Uuid meeting;
    Timestamp at;
    std::optional<Name> title;
    List<AgendaItem, 30> agenda;
};
BOOST_DESCRIBE_STRUCT(MeetingScheduledData, (), (meeting, at, title, agenda))

// meeting.agenda_added
struct AgendaAddedData {
    Uuid meeting;
    AgendaItem agenda_item;
};
BOOST_DESCRIBE_STRUCT(AgendaAddedData, (), (meeting, agenda_item))

// meeting.started, meeting.closed
struct MeetingData {
    Uuid meeting;
    std::optional<Text> summary;
};
BOOST_DESCRIBE_STRUCT(MeetingData, (), (meeting, summary))

enum class Presence { present, absent, excused };
template <>
struct EnumNames<Presence> {
    static constexpr std::array<std::string_view, 3> names{"present", "absent", "excused"};
};

// meeting.attendance
struct AttendanceData {
    Uuid meeting;
    OrganisationRef organisation;
    Presence presence = Presence::present;
};
BOOST_DESCRIBE_STRUCT(AttendanceData, (), (meeting, organisation, presence))

// contribution.posted
struct ContributionData {
    std::optional<Uuid> meeting;
    std::optional<Uuid> agenda_item;
    Text text;
    std::optional<List<Attachment, 5>> attachments;
};
BOOST_DESCRIBE_STRUCT(ContributionData, (), (meeting, agenda_item, text, attachments))

// decision.recorded
struct DecisionData {
    std::optional<Uuid> meeting;
    Text text;
    OrganisationRef owner;
    Date due;
};
BOOST_DESCRIBE_STRUCT(DecisionData, (), (meeting, text, owner, due))

// decision.completed
struct DecisionCompletedData {
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(DecisionCompletedData, (), (note))

// analysis.edited
struct AnalysisData {
    Text text;
};
BOOST_DESCRIBE_STRUCT(AnalysisData, (), (text))

// plan.agreement_added
struct PlanAgreementData {
    Text text;
    OrganisationRef owner;
    List<Date, 20> checkpoints;
};
BOOST_DESCRIBE_STRUCT(PlanAgreementData, (), (text, owner, checkpoints))

// plan.checkpoint_reported
struct CheckpointData {
    Date checkpoint;
    bool held = false;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(CheckpointData, (), (checkpoint, held, note))

// item.corrected: the item's text, corrected; version counts up
struct CorrectionData {
    Text text;
    std::optional<Text> note;
};
BOOST_DESCRIBE_STRUCT(CorrectionData, (), (text, note))

// item.redacted: the item's content is removed everywhere; the record of its disclosure stays
struct RedactionData {
    Text reason;
};
BOOST_DESCRIBE_STRUCT(RedactionData, (), (reason))

// signal: what a member sees of an item it may not see, when the author attached a signal
struct SignalData {
    Name text;
};
BOOST_DESCRIBE_STRUCT(SignalData, (), (text))

// access.requested
struct AccessRequestedData {
    Uuid request;
    OrganisationRef requester;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AccessRequestedData, (), (request, requester, reason))

// access.decided; when granted, the requester also receives the item itself (`disclosed`:
// the item's entry as the owner's members see it).
struct AccessDecidedData {
    Uuid request;
    OrganisationRef requester;
    bool granted = false;
    Name basis;
    Text reason;
    std::optional<boost::json::object> disclosed;
};
BOOST_DESCRIBE_STRUCT(AccessDecidedData, (), (request, requester, granted, basis, reason, disclosed))

// access.withdrawn
struct AccessWithdrawnData {
    Uuid request;
    OrganisationRef requester;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AccessWithdrawnData, (), (request, requester, reason))

// room.escalated, room.deescalated (in the room the case leaves)
struct HandoverData {
    Uuid to_room;
    RoomKind to_kind = RoomKind::mda;
    OrganisationRef chair;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(HandoverData, (), (to_room, to_kind, chair, reason))

// item.handed_over (in the room the case arrives in): an item of the room it came from
struct HandedOverData {
    Uuid from_room;
    Token original_kind;
    Uuid original_item;
    boost::json::object original;
};
BOOST_DESCRIBE_STRUCT(HandedOverData, (), (from_room, original_kind, original_item, original))

// advice.asked, advice.answered
struct AdviceData {
    Text text;
};
BOOST_DESCRIBE_STRUCT(AdviceData, (), (text))

// advice.reported: the consultation became a report (melding)
struct AdviceReportedData {
    Text reason;
};
BOOST_DESCRIBE_STRUCT(AdviceReportedData, (), (reason))

}  // namespace kamer::protocol
