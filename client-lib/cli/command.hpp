#pragma once
// A command of the kamer CLI: its words, its options (Boost.Program_options) and what it
// does. Each group of commands lives in a file of its own (commands_*.cpp) and adds itself
// to the list main() dispatches on.
#include <boost/program_options.hpp>
#include <functional>
#include <string>
#include <vector>

#include "context.hpp"

namespace kamer::cli {

namespace po = boost::program_options;

struct Command {
    std::vector<std::string> words;       // e.g. {"meeting", "schedule"}
    std::string group;                    // heading in `kamer --help`, by audience
    std::string summary;                  // one line
    std::vector<std::string> positional;  // option names filled from bare arguments, in order
    std::function<void(po::options_description&)> options;
    std::function<void(Context&, const po::variables_map&)> run;
    std::string details = {};             // more help text
};

// Headings of `kamer --help`, in the order they are shown.
inline constexpr const char* group_setup = "Setting up";
inline constexpr const char* group_rooms = "Chairs and members: rooms and membership";
inline constexpr const char* group_meetings = "Chairs: meetings";
inline constexpr const char* group_items = "Members: case information";
inline constexpr const char* group_plan = "Members: decisions, analysis and safety plan";
inline constexpr const char* group_reading = "Members: reading";
inline constexpr const char* group_accountability = "Privacy officers and operators";

void add_setup_commands(std::vector<Command>&);
void add_room_commands(std::vector<Command>&);
void add_member_commands(std::vector<Command>&);
void add_meeting_commands(std::vector<Command>&);
void add_item_commands(std::vector<Command>&);
void add_plan_commands(std::vector<Command>&);
void add_reading_commands(std::vector<Command>&);
void add_accountability_commands(std::vector<Command>&);

// Every command, in help order.
const std::vector<Command>& all_commands();

}  // namespace kamer::cli
