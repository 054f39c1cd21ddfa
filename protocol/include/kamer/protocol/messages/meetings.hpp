#pragma once
// Meetings of a room: scheduled, started and closed by the chair, with agenda and attendance.
#include <boost/describe.hpp>
#include <optional>
#include <string_view>

#include "kamer/protocol/messages/common.hpp"
#include "kamer/protocol/messages/entries.hpp"

namespace kamer::protocol {

struct MeetingScheduled {
    static constexpr std::string_view type = "meeting";
    Uuid meeting;
    List<Uuid, 30> agenda;
    std::optional<Cursor> cursor;
};
BOOST_DESCRIBE_STRUCT(MeetingScheduled, (), (meeting, agenda, cursor))

struct MeetingSchedule {
    static constexpr std::string_view type = "meeting.schedule";
    using reply = MeetingScheduled;
    Uuid room;
    Timestamp at;
    std::optional<Name> title;
    List<Name, 30> agenda;
};
BOOST_DESCRIBE_STRUCT(MeetingSchedule, (), (room, at, title, agenda))

struct AgendaAdd {
    static constexpr std::string_view type = "meeting.agenda-add";
    using reply = Ok;  // item: the new agenda item
    Uuid room;
    Uuid meeting;
    Name title;
};
BOOST_DESCRIBE_STRUCT(AgendaAdd, (), (room, meeting, title))

struct MeetingStart {
    static constexpr std::string_view type = "meeting.start";
    using reply = Ok;
    Uuid room;
    Uuid meeting;
};
BOOST_DESCRIBE_STRUCT(MeetingStart, (), (room, meeting))

struct MeetingClose {
    static constexpr std::string_view type = "meeting.close";
    using reply = Ok;
    Uuid room;
    Uuid meeting;
    std::optional<Text> summary;
};
BOOST_DESCRIBE_STRUCT(MeetingClose, (), (room, meeting, summary))

struct AttendanceRecord {
    static constexpr std::string_view type = "meeting.attendance";
    using reply = Ok;
    Uuid room;
    Uuid meeting;
    Oin organisation;
    Presence presence = Presence::present;
};
BOOST_DESCRIBE_STRUCT(AttendanceRecord, (), (room, meeting, organisation, presence))

}  // namespace kamer::protocol
