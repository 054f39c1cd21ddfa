// Meetings: scheduled, started and closed by the chair, with agenda and attendance.
#include "rooms/checks.hpp"
#include "rooms/commands.hpp"
#include "util/ids.hpp"

namespace kamer::server::rooms {
using protocol::ErrorCode;
using protocol::Role;

namespace {

// The room (caller a member, chair, room open) and the meeting.
struct Target {
    Room* room = nullptr;
    Meeting* meeting = nullptr;
    Check problem;
};

Target chair_meeting(WriteContext& c, const std::string& room_id, const std::string& meeting_id, std::string_view action) {
    Target t;
    t.room = member_room(c, room_id, t.problem);
    if (!t.room) return t;
    if ((t.problem = require_role(c, *t.room, {Role::chair}, action)) || (t.problem = require_open(*t.room))) return t;
    auto it = t.room->meetings.find(meeting_id);
    if (it == t.room->meetings.end()) {
        t.problem = error(ErrorCode::not_found, "no meeting " + meeting_id + " in this room", "body.meeting");
        return t;
    }
    t.meeting = &it->second;
    return t;
}

boost::json::object meeting_data(const std::string& meeting, const std::optional<protocol::Text>& summary = {}) {
    protocol::MeetingData d;
    d.meeting = meeting;
    d.summary = summary;
    return protocol::encode_value(d).as_object();
}

}  // namespace

Outcome run(WriteContext& c, const protocol::MeetingSchedule& r) {
    Check problem;
    Room* room = member_room(c, r.room, problem);
    if (!room) return {problem, {}, {}};
    if (auto p = require_role(c, *room, {Role::chair}, "scheduling meetings")) return {p, {}, {}};
    if (auto p = require_open(*room)) return {p, {}, {}};
    protocol::MeetingScheduledData d;
    d.meeting = random_uuid();
    d.at = r.at;
    d.title = r.title;
    protocol::MeetingScheduled reply;
    reply.meeting = d.meeting;
    for (const auto& title : r.agenda) {
        d.agenda.push_back({random_uuid(), title});
        reply.agenda.push_back(d.agenda.back().id);
    }
    c.append(*room, {.kind = "meeting.scheduled", .data = protocol::encode_value(d).as_object()});
    reply.cursor = c.cursor(*room);
    return Outcome::ok(reply);
}

Outcome run(WriteContext& c, const protocol::AgendaAdd& r) {
    auto t = chair_meeting(c, r.room, r.meeting, "setting the agenda");
    if (!t.meeting) return {t.problem, {}, {}};
    if (t.meeting->status == MeetingStatus::closed)
        return Outcome::fail(ErrorCode::invalid_transition, "the meeting is closed", "body.meeting");
    protocol::AgendaAddedData d{r.meeting, {random_uuid(), r.title}};
    auto id = d.agenda_item.id;
    c.append(*t.room, {.kind = "meeting.agenda_added", .data = protocol::encode_value(d).as_object()});
    return ok(c, *t.room, id);
}

Outcome run(WriteContext& c, const protocol::MeetingStart& r) {
    auto t = chair_meeting(c, r.room, r.meeting, "starting meetings");
    if (!t.meeting) return {t.problem, {}, {}};
    if (t.meeting->status != MeetingStatus::scheduled)
        return Outcome::fail(ErrorCode::invalid_transition, "only a scheduled meeting can start", "body.meeting");
    for (const auto& [id, m] : t.room->meetings)
        if (m.status == MeetingStatus::started)
            return Outcome::fail(ErrorCode::invalid_transition, "another meeting of this room is in progress", "body.meeting");
    c.append(*t.room, {.kind = "meeting.started", .data = meeting_data(r.meeting)});
    return ok(c, *t.room);
}

Outcome run(WriteContext& c, const protocol::MeetingClose& r) {
    auto t = chair_meeting(c, r.room, r.meeting, "closing meetings");
    if (!t.meeting) return {t.problem, {}, {}};
    if (t.meeting->status != MeetingStatus::started)
        return Outcome::fail(ErrorCode::invalid_transition, "only a started meeting can close", "body.meeting");
    c.append(*t.room, {.kind = "meeting.closed", .data = meeting_data(r.meeting, r.summary)});
    return ok(c, *t.room);
}

Outcome run(WriteContext& c, const protocol::AttendanceRecord& r) {
    auto t = chair_meeting(c, r.room, r.meeting, "recording attendance");
    if (!t.meeting) return {t.problem, {}, {}};
    if (t.meeting->status == MeetingStatus::closed)
        return Outcome::fail(ErrorCode::invalid_transition, "the meeting is closed", "body.meeting");
    auto org = active_member(c, *t.room, r.organisation);
    if (!org) return Outcome::fail(ErrorCode::not_found, r.organisation + " is not a member", "body.organisation");
    protocol::AttendanceData d{r.meeting, c.ref(*org), r.presence};
    c.append(*t.room, {.kind = "meeting.attendance", .data = protocol::encode_value(d).as_object()});
    return ok(c, *t.room);
}

}  // namespace kamer::server::rooms
