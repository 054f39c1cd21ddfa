// Rooms: listing, opening, showing, the lifecycle, persons concerned, escalation.
#include "arguments.hpp"
#include "command.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void room_option(po::options_description& o) {
    o.add_options()("room", po::value<std::string>()->required(), "the room's id (kamer rooms lists them)");
}

void list_rooms(Context& context, const po::variables_map& args) {
    RoomList request;
    if (auto state = optional_value(args, "state")) request.state = parse_enum<RoomState>("state", *state);
    RoomPage all;
    for (;;) {  // every page: a chair wants the whole list
        auto page = context.call(request);
        all.rooms.insert(all.rooms.end(), page.rooms.begin(), page.rooms.end());
        if (!page.next) break;
        request.page = Page{page.next, std::nullopt};
    }
    if (context.json()) return context.print_json(all);
    if (all.rooms.empty()) {
        std::cout << "no rooms\n";
        return;
    }
    Table t({"ROOM", "CASE", "KIND", "STATE", "MY ROLE", "REGISSEUR", "OPEN DECISIONS", "OPENED"});
    for (const auto& r : all.rooms)
        t.add({r.room, r.case_ref + (r.title ? " " + *r.title : ""), std::string(to_string(r.kind)),
               std::string(to_string(r.state)),
               std::string(to_string(r.my_role)) + (r.my_status == "active" ? "" : " (" + r.my_status + ")"),
               context.name_of(r.regisseur), std::to_string(r.open_decisions.value), local_time(r.opened_at)});
    t.print(std::cout);
}

void open_room(Context& context, const po::variables_map& args) {
    RoomOpen request;
    request.kind = parse_enum<RoomKind>("kind", value_of(args, "kind"));
    request.case_ref = value_of(args, "case");
    if (auto title = optional_value(args, "title")) request.title = *title;
    for (const auto& p : values_of(args, "person")) request.persons.push_back(parse_person(p));
    print_done(context, context.call(request), "room opened (you chair it)");
}

void show_room(Context& context, const po::variables_map& args) {
    auto room = context.call(RoomGet{value_of(args, "room")});
    if (context.json()) return context.print_json(room);
    const auto& s = room.summary;
    std::cout << s.case_ref << (s.title ? "  " + *s.title : "") << "\n"
              << "  room       " << s.room << "\n"
              << "  kind       " << to_string(s.kind) << "\n"
              << "  state      " << to_string(s.state) << "\n"
              << "  opened     " << local_time(s.opened_at) << "\n"
              << "  regisseur  " << context.name_of(s.regisseur) << "\n"
              << "  my role    " << to_string(s.my_role) << " (" << s.my_status << ")\n"
              << "  decisions  " << s.open_decisions.value << " open\n"
              << "  analysis   version " << room.analysis_version.value << "\n";
    if (room.parent) std::cout << "  came from  " << *room.parent << "\n";
    for (const auto& to : room.handed_over_to) std::cout << "  handed to  " << to << "\n";

    std::cout << "\nMembers\n";
    Table members({"ORGANISATION", "SECTOR", "ROLE", "STATUS", "OIN"});
    for (const auto& m : room.members)
        members.add({m.organisation.name, std::string(to_string(m.organisation.sector)),
                     std::string(to_string(m.role)) + (m.regisseur ? ", regisseur" : ""), m.status, m.organisation.oin});
    members.print(std::cout);

    if (!room.persons.empty()) {
        std::cout << "\nPersons concerned\n";
        Table persons({"REF", "ROLE", "PSEUDONYM"});
        for (const auto& p : room.persons) persons.add({p.ref, std::string(to_string(p.role)), p.pseudonym});
        persons.print(std::cout);
    }
    if (!room.meetings.empty()) {
        std::cout << "\nMeetings\n";
        Table meetings({"MEETING", "AT", "TITLE", "STATUS", "AGENDA"});
        for (const auto& m : room.meetings) {
            std::string agenda;
            for (const auto& a : m.agenda) agenda += (agenda.empty() ? "" : "; ") + a.title;
            meetings.add({m.meeting, local_time(m.at), m.title.value_or(""), m.status, clip(agenda, 50)});
        }
        meetings.print(std::cout);
    }
}

void transition(Context& context, const po::variables_map& args) {
    RoomTransition request;
    request.room = value_of(args, "room");
    request.to = parse_enum<RoomState>("to", value_of(args, "to"));
    request.reason = value_of(args, "reason");
    print_done(context, context.call(request), "room moved to " + value_of(args, "to"));
}

void add_person(Context& context, const po::variables_map& args) {
    PersonAdd request{value_of(args, "room"), parse_person(value_of(args, "person"))};
    print_done(context, context.call(request), "person added");
}

void identify_person(Context& context, const po::variables_map& args) {
    PersonIdentify request;
    request.room = value_of(args, "room");
    request.ref = value_of(args, "ref");
    if (auto v = optional_value(args, "bsn")) request.identifiers.bsn = *v;
    if (auto v = optional_value(args, "name")) request.identifiers.name = *v;
    if (auto v = optional_value(args, "birth-date")) request.identifiers.birth_date = *v;
    request.category = parse_enum<Category>("category", value_of(args, "category"));
    request.audience = parse_audience(context, value_of(args, "audience"));
    print_done(context, context.call(request), "identifiers recorded");
}

// Escalation and de-escalation take the same options; only the request differs.
template <class Request>
void hand_over(Context& context, const po::variables_map& args) {
    Request request;
    request.room = value_of(args, "room");
    request.chair = context.resolve_organisation(value_of(args, "chair"));
    for (const auto& item : values_of(args, "item")) request.items.emplace_back(item);
    request.reason = value_of(args, "reason");
    print_done(context, context.call(request), "case handed over; new room opened");
}

void hand_over_options(po::options_description& o, const char* chair) {
    room_option(o);
    o.add_options()
        ("chair", po::value<std::string>()->required(), chair)
        ("item", po::value<std::vector<std::string>>(), "an item that goes along (repeatable)")
        ("reason", po::value<std::string>()->required(), "why");
}

}  // namespace

void add_room_commands(std::vector<Command>& commands) {
    commands.push_back({{"rooms"}, group_rooms, "list my rooms (member or invited)", {},
                        [](po::options_description& o) {
                            o.add_options()("state", po::value<std::string>(),
                                            "only rooms in this state: referred, preparation, in-consultation, monitoring, closed");
                        },
                        list_rooms});
    commands.push_back({{"room", "open"}, group_rooms, "open a case room; you chair it and direct the case", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("kind", po::value<std::string>()->default_value("lokale-kamer"), "lokale-kamer or mda++")
                                ("case", po::value<std::string>()->required(), "the pseudonymous case reference")
                                ("title", po::value<std::string>(), "a title")
                                ("person", po::value<std::vector<std::string>>(),
                                 "a person concerned as ref:role:pseudonym, e.g. p1:child:Kind A. (repeatable); "
                                 "roles: parent, child, partner, ex-partner, sibling, relative, other");
                        },
                        open_room});
    commands.push_back({{"room", "show"}, group_rooms, "a room: summary, members, persons, meetings", {"room"},
                        room_option, show_room});
    commands.push_back({{"room", "transition"}, group_rooms, "move the case to another state", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("to", po::value<std::string>()->required(), "preparation, in-consultation, monitoring or closed")
                                ("reason", po::value<std::string>()->required(), "why (recorded in the room)");
                        },
                        transition});
    commands.push_back({{"person", "add"}, group_rooms, "add a person concerned", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()("person", po::value<std::string>()->required(), "ref:role:pseudonym");
                        },
                        add_person});
    commands.push_back({{"person", "identify"}, group_rooms, "record a person's real identifiers (where the table allows)",
                        {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("ref", po::value<std::string>()->required(), "the person's ref in the room")
                                ("bsn", po::value<std::string>(), "BSN")
                                ("name", po::value<std::string>(), "full name")
                                ("birth-date", po::value<std::string>(), "YYYY-MM-DD")
                                ("category", po::value<std::string>()->default_value("general"), "category of the identifiers")
                                ("audience", po::value<std::string>()->default_value("all"), "all, or organisations separated by commas");
                        },
                        identify_person});
    commands.push_back({{"escalate"}, group_rooms, "escalate a lokale kamer case to an MDA++ table (opschalen)", {"room"},
                        [](po::options_description& o) { hand_over_options(o, "the Zorg- en Veiligheidshuis that chairs (OIN or name)"); },
                        hand_over<RoomEscalate>,
                        "Open decisions and safety-plan agreements always go along; --item adds others."});
    commands.push_back({{"deescalate"}, group_rooms, "hand an MDA++ case back to the municipality (afschalen)", {"room"},
                        [](po::options_description& o) { hand_over_options(o, "the municipality that chairs (OIN or name)"); },
                        hand_over<RoomDeescalate>,
                        "Open decisions and safety-plan agreements always go along; --item adds others."});
}

}  // namespace kamer::cli
