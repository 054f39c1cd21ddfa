#pragma once
// Room entries for people: one line per entry (history, follow, search), with times in local
// time and organisations by name.
#include <string>

#include "context.hpp"
#include "kamer/protocol/messages/entries.hpp"
#include "output.hpp"

namespace kamer::cli {

// What happened, in a few words: "contribution: Twee meldingen dit jaar".
std::string describe(Context& context, const protocol::Entry& entry);
// "all", or the names of the organisations.
std::string audience_text(Context& context, const std::optional<protocol::Audience>& audience);

// A table of entries: TIME, FROM, CATEGORY, ITEM, WHAT.
Table entry_table();
void add_entry(Context& context, Table& table, const protocol::Entry& entry);

}  // namespace kamer::cli
