#pragma once
// A command of the kamer CLI is data: its words, the protocol request it sends, and how each
// option maps onto the request body. Most commands need nothing more; the few that do more
// (paging, following, profiles) have a runner of their own.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "context.hpp"

namespace kamer::cli {

enum class Kind {
    text,        // a string; "@file" reads it from a file ("@-": standard input)
    integer,
    yes_no,      // yes/no, true/false
    flag,        // present or not: true
    list,        // repeatable: an array of strings
    organisation,  // an OIN, or a unique part of a name or a sector: an OIN
    audience,    // "all", or comma-separated organisations: an array of OINs
    dates,       // repeatable YYYY-MM-DD: an array
    local_time,  // "2026-12-01 14:30" in local time: a UTC timestamp
    person,      // ref:role:pseudonym, e.g. p1:child:Kind A.
    persons,     // repeatable person
    identified,  // repeatable ref=p1,bsn=...,name=...,birth_date=YYYY-MM-DD
};

struct Param {
    std::string name;   // --name, or a positional argument (shown in capitals)
    std::string field;  // where it goes in the body ("a.b" nests); empty: the runner reads it
    Kind kind = Kind::text;
    bool required = false;
    bool positional = false;
    std::string help;
    std::string fallback;  // used when the option is not given (empty: left out)
};

struct Invocation {
    std::map<std::string, std::vector<std::string>> values;  // by Param::name
    bool has(const std::string& name) const { return values.count(name) != 0; }
    std::string get(const std::string& name, const std::string& fallback = {}) const {
        auto it = values.find(name);
        return it == values.end() || it->second.empty() ? fallback : it->second.back();
    }
};

struct Command;
using Runner = std::function<void(Context&, const Command&, const Invocation&)>;

struct Command {
    std::vector<std::string> words;  // e.g. {"meeting", "schedule"}
    std::string group;               // for the overview in `kamer --help`
    std::string summary;
    std::string request;             // the protocol request it sends (if any)
    std::vector<Param> params;
    Runner run;                      // empty: send `request` with the body the params make, render the reply
    std::string details;             // more help text
};

const std::vector<Command>& commands();  // commands.cpp

// The request body the invocation's options make (body.cpp). Throws UsageError.
boost::json::object make_body(Context& context, const Command& command, const Invocation& invocation);

// Prints a reply for people (render.cpp), by the request it answers.
void render(Context& context, const std::string& request, const boost::json::object& reply);
void render_event(Context& context, const std::string& room, const boost::json::object& event);

}  // namespace kamer::cli
