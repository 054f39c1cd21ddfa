#pragma once
// Rooms: opening, lifecycle, membership, persons concerned, and reading a room's stream.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/messages/common.hpp"
#include "kamer/protocol/messages/entries.hpp"

namespace kamer::protocol {

// Opens a lokale-kamer or mda++ room about one case; the opener chairs it and is regisseur
// until another member is designated. (vt-advies rooms are opened with advice.open.)
struct RoomOpen {
    static constexpr std::string_view type = "room.open";
    using reply = Ok;
    RoomKind kind = RoomKind::lokale_kamer;
    Name case_ref;
    std::optional<Name> title;
    List<Person, 20> persons;
};
BOOST_DESCRIBE_STRUCT(RoomOpen, (), (kind, case_ref, title, persons))

struct RoomTransition {
    static constexpr std::string_view type = "room.transition";
    using reply = Ok;
    Uuid room;
    RoomState to = RoomState::preparation;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(RoomTransition, (), (room, to, reason))

struct PersonAdd {
    static constexpr std::string_view type = "person.add";
    using reply = Ok;
    Uuid room;
    Person person;
};
BOOST_DESCRIBE_STRUCT(PersonAdd, (), (room, person))

// Records real identifiers of a person concerned, as an item (category and audience apply),
// where the room's agreement allows identifiers.
struct PersonIdentify {
    static constexpr std::string_view type = "person.identify";
    using reply = Ok;
    Uuid room;
    Token ref;
    PersonIdentifiers identifiers;
    Category category = Category::general;
    Audience audience;
};
BOOST_DESCRIBE_STRUCT(PersonIdentify, (), (room, ref, identifiers, category, audience))

struct MemberInvite {
    static constexpr std::string_view type = "member.invite";
    using reply = Ok;
    Uuid room;
    Oin organisation;
    Role role = Role::participant;
};
BOOST_DESCRIBE_STRUCT(MemberInvite, (), (room, organisation, role))

struct MemberAccept {
    static constexpr std::string_view type = "member.accept";
    using reply = Ok;
    Uuid room;
};
BOOST_DESCRIBE_STRUCT(MemberAccept, (), (room))

struct MemberDecline {
    static constexpr std::string_view type = "member.decline";
    using reply = Ok;
    Uuid room;
    std::optional<Text> reason;
};
BOOST_DESCRIBE_STRUCT(MemberDecline, (), (room, reason))

struct MemberRemove {
    static constexpr std::string_view type = "member.remove";
    using reply = Ok;
    Uuid room;
    Oin organisation;
    Text reason;
};
BOOST_DESCRIBE_STRUCT(MemberRemove, (), (room, organisation, reason))

struct MemberLeave {
    static constexpr std::string_view type = "member.leave";
    using reply = Ok;
    Uuid room;
    std::optional<Text> reason;
};
BOOST_DESCRIBE_STRUCT(MemberLeave, (), (room, reason))

// 1 Gezin, 1 Plan, 1 Regisseur: designates the one case director; the previous one stops being it.
struct MemberSetRegisseur {
    static constexpr std::string_view type = "member.set-regisseur";
    using reply = Ok;
    Uuid room;
    Oin organisation;
};
BOOST_DESCRIBE_STRUCT(MemberSetRegisseur, (), (room, organisation))

// ---- reading ----

struct Subscribed {
    static constexpr std::string_view type = "subscribed";
    Uuid room;
    std::optional<Cursor> cursor;  // the last position sent; live events follow
};
BOOST_DESCRIBE_STRUCT(Subscribed, (), (room, cursor))

// Streams the room: first every entry after `after` (or from the start) that the organisation
// may see, in `events` messages, then this request's reply, then live entries as they happen.
struct Subscribe {
    static constexpr std::string_view type = "subscribe";
    using reply = Subscribed;
    Uuid room;
    std::optional<Cursor> after;
};
BOOST_DESCRIBE_STRUCT(Subscribe, (), (room, after))

struct Unsubscribe {
    static constexpr std::string_view type = "unsubscribe";
    using reply = Ok;
    Uuid room;
};
BOOST_DESCRIBE_STRUCT(Unsubscribe, (), (room))

struct HistoryPage {
    static constexpr std::string_view type = "history";
    Uuid room;
    List<Event, 500> events;
    std::optional<Cursor> next;  // absent when this page reached the end
};
BOOST_DESCRIBE_STRUCT(HistoryPage, (), (room, events, next))

// One page of a room's entries the organisation may see, without subscribing.
struct History {
    static constexpr std::string_view type = "history";
    using reply = HistoryPage;
    Uuid room;
    std::optional<Cursor> after;
    std::optional<Int<1, 500>> limit;
};
BOOST_DESCRIBE_STRUCT(History, (), (room, after, limit))

// The same, for writing a room's file to disk (logged as an export).
struct RoomExport {
    static constexpr std::string_view type = "room.export";
    using reply = HistoryPage;
    Uuid room;
    std::optional<Cursor> after;
    std::optional<Int<1, 500>> limit;
};
BOOST_DESCRIBE_STRUCT(RoomExport, (), (room, after, limit))

struct Membership {
    OrganisationRef organisation;
    Role role = Role::participant;
    Token status;  // invited, active
    bool regisseur = false;
};
BOOST_DESCRIBE_STRUCT(Membership, (), (organisation, role, status, regisseur))

struct RoomSummary {
    Uuid room;
    RoomKind kind = RoomKind::lokale_kamer;
    Name case_ref;
    std::optional<Name> title;
    RoomState state = RoomState::referred;
    Role my_role = Role::participant;
    Token my_status;  // invited, active
    Oin regisseur;
    Int<0, 1000000> open_decisions;  // that this organisation may see
    Timestamp opened_at;
};
BOOST_DESCRIBE_STRUCT(RoomSummary, (), (room, kind, case_ref, title, state, my_role, my_status, regisseur,
                                         open_decisions, opened_at))

struct RoomPage {
    static constexpr std::string_view type = "rooms";
    List<RoomSummary, 500> rooms;
    std::optional<Cursor> next;
};
BOOST_DESCRIBE_STRUCT(RoomPage, (), (rooms, next))

// The rooms this organisation is a member of or invited to.
struct RoomList {
    static constexpr std::string_view type = "room.list";
    using reply = RoomPage;
    std::optional<RoomState> state;
    std::optional<Page> page;
};
BOOST_DESCRIBE_STRUCT(RoomList, (), (state, page))

struct MeetingSummary {
    Uuid meeting;
    Timestamp at;
    std::optional<Name> title;
    Token status;  // scheduled, started, closed
    List<AgendaItem, 100> agenda;
    List<AttendanceData, 100> attendance;
};
BOOST_DESCRIBE_STRUCT(MeetingSummary, (), (meeting, at, title, status, agenda, attendance))

struct RoomDetail {
    static constexpr std::string_view type = "room";
    RoomSummary summary;
    List<Membership, 200> members;
    List<Person, 100> persons;
    List<MeetingSummary, 500> meetings;
    Int<0, INT64_MAX> analysis_version;  // latest version this organisation may see (0: none)
    std::optional<Uuid> parent;
    List<Uuid, 50> handed_over_to;
};
BOOST_DESCRIBE_STRUCT(RoomDetail, (), (summary, members, persons, meetings, analysis_version, parent, handed_over_to))

struct RoomGet {
    static constexpr std::string_view type = "room.get";
    using reply = RoomDetail;
    Uuid room;
};
BOOST_DESCRIBE_STRUCT(RoomGet, (), (room))

}  // namespace kamer::protocol
