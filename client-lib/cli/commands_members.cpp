// Membership: invitations and their answers, removal, leaving, the regisseur.
#include "arguments.hpp"
#include "command.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void room_option(po::options_description& o) {
    o.add_options()("room", po::value<std::string>()->required(), "the room's id");
}

// ROOM ORGANISATION, or ROOM --organisation ORGANISATION.
std::function<void(po::options_description&)> room_and_organisation(const char* help) {
    return [help](po::options_description& o) {
        room_option(o);
        o.add_options()("organisation", po::value<std::string>()->required(), help);
    };
}

const char* by_oin_or_name = "the organisation: its OIN, its sector, or a unique part of its name (kamer registry)";

void invite(Context& context, const po::variables_map& args) {
    MemberInvite request;
    request.room = value_of(args, "room");
    request.organisation = context.resolve_organisation(value_of(args, "organisation"));
    request.role = parse_enum<Role>("role", value_of(args, "role"));
    auto reply = context.call(request);
    print_done(context, reply, context.name_of(request.organisation) + " invited");
}

void accept(Context& context, const po::variables_map& args) {
    print_done(context, context.call(MemberAccept{value_of(args, "room")}), "invitation accepted");
}

void decline(Context& context, const po::variables_map& args) {
    MemberDecline request{value_of(args, "room")};
    if (auto reason = optional_value(args, "reason")) request.reason = *reason;
    print_done(context, context.call(request), "invitation declined");
}

void remove(Context& context, const po::variables_map& args) {
    MemberRemove request{value_of(args, "room"), context.resolve_organisation(value_of(args, "organisation")),
                         value_of(args, "reason")};
    print_done(context, context.call(request), context.name_of(request.organisation) + " removed");
}

void leave(Context& context, const po::variables_map& args) {
    MemberLeave request{value_of(args, "room")};
    if (auto reason = optional_value(args, "reason")) request.reason = *reason;
    print_done(context, context.call(request), "left the room");
}

void set_regisseur(Context& context, const po::variables_map& args) {
    MemberSetRegisseur request{value_of(args, "room"), context.resolve_organisation(value_of(args, "organisation"))};
    print_done(context, context.call(request), context.name_of(request.organisation) + " is now regisseur");
}

}  // namespace

void add_member_commands(std::vector<Command>& commands) {
    commands.push_back({{"member", "invite"}, group_rooms, "invite an organisation to a room", {"room", "organisation"},
                        [](po::options_description& o) {
                            room_and_organisation(by_oin_or_name)(o);
                            o.add_options()("role", po::value<std::string>()->default_value("participant"),
                                            "participant or adviser");
                        },
                        invite});
    commands.push_back({{"member", "accept"}, group_rooms, "accept an invitation", {"room"}, room_option, accept});
    commands.push_back({{"member", "decline"}, group_rooms, "decline an invitation", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()("reason", po::value<std::string>(), "why");
                        },
                        decline});
    commands.push_back({{"member", "remove"}, group_rooms, "remove a member; its access ends", {"room", "organisation"},
                        [](po::options_description& o) {
                            room_and_organisation(by_oin_or_name)(o);
                            o.add_options()("reason", po::value<std::string>()->required(), "why");
                        },
                        remove});
    commands.push_back({{"member", "leave"}, group_rooms, "leave a room", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()("reason", po::value<std::string>(), "why");
                        },
                        leave});
    commands.push_back({{"member", "set-regisseur"}, group_rooms, "make a member the case director (regisseur)",
                        {"room", "organisation"}, room_and_organisation(by_oin_or_name), set_regisseur});
}

}  // namespace kamer::cli
