// Meetings: scheduling with an agenda, starting, closing, attendance.
#include "arguments.hpp"
#include "command.hpp"
#include "kamer/protocol/messages/meetings.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void room_and_meeting(po::options_description& o) {
    o.add_options()
        ("room", po::value<std::string>()->required(), "the room's id")
        ("meeting", po::value<std::string>()->required(), "the meeting's id (kamer room show lists them)");
}

void schedule(Context& context, const po::variables_map& args) {
    MeetingSchedule request;
    request.room = value_of(args, "room");
    try {
        request.at = utc_from_local(value_of(args, "at"));
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--at: ") + e.what());
    }
    if (auto title = optional_value(args, "title")) request.title = *title;
    for (const auto& a : values_of(args, "agenda")) request.agenda.emplace_back(a);
    auto reply = context.call(request);
    if (context.json()) return context.print_json(reply);
    std::cout << "meeting scheduled for " << local_time(request.at) << ": meeting " << reply.meeting << "\n";
    for (std::size_t i = 0; i < reply.agenda.size() && i < request.agenda.size(); ++i)
        std::cout << "  agenda item " << reply.agenda[i] << "  " << request.agenda[i] << "\n";
}

void agenda_add(Context& context, const po::variables_map& args) {
    AgendaAdd request{value_of(args, "room"), value_of(args, "meeting"), value_of(args, "title")};
    print_done(context, context.call(request), "agenda item added");
}

void start(Context& context, const po::variables_map& args) {
    print_done(context, context.call(MeetingStart{value_of(args, "room"), value_of(args, "meeting")}), "meeting started");
}

void close(Context& context, const po::variables_map& args) {
    MeetingClose request{value_of(args, "room"), value_of(args, "meeting")};
    if (auto summary = optional_value(args, "summary")) request.summary = *summary;
    print_done(context, context.call(request), "meeting closed");
}

void attendance(Context& context, const po::variables_map& args) {
    AttendanceRecord request{value_of(args, "room"), value_of(args, "meeting"),
                             context.resolve_organisation(value_of(args, "organisation")),
                             parse_enum<Presence>("presence", value_of(args, "presence"))};
    print_done(context, context.call(request), "attendance of " + context.name_of(request.organisation) + " recorded");
}

}  // namespace

void add_meeting_commands(std::vector<Command>& commands) {
    commands.push_back({{"meeting", "schedule"}, group_meetings, "schedule a meeting with its agenda", {"room"},
                        [](po::options_description& o) {
                            o.add_options()
                                ("room", po::value<std::string>()->required(), "the room's id")
                                ("at", po::value<std::string>()->required(), "local date and time, e.g. \"2026-12-01 14:30\"")
                                ("title", po::value<std::string>(), "a title")
                                ("agenda", po::value<std::vector<std::string>>(), "an agenda item (repeatable)");
                        },
                        schedule});
    commands.push_back({{"meeting", "agenda-add"}, group_meetings, "add an agenda item", {"room"},
                        [](po::options_description& o) {
                            room_and_meeting(o);
                            o.add_options()("title", po::value<std::string>()->required(), "the agenda item");
                        },
                        agenda_add});
    commands.push_back({{"meeting", "start"}, group_meetings, "start a meeting", {"room"}, room_and_meeting, start});
    commands.push_back({{"meeting", "close"}, group_meetings, "close a meeting", {"room"},
                        [](po::options_description& o) {
                            room_and_meeting(o);
                            o.add_options()("summary", po::value<std::string>(), "a summary");
                        },
                        close});
    commands.push_back({{"meeting", "attendance"}, group_meetings, "record whether an organisation attended", {"room"},
                        [](po::options_description& o) {
                            room_and_meeting(o);
                            o.add_options()
                                ("organisation", po::value<std::string>()->required(), "OIN, sector or part of the name")
                                ("presence", po::value<std::string>()->required(), "present, absent or excused");
                        },
                        attendance});
}

}  // namespace kamer::cli
