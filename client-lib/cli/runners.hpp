#pragma once
// Commands that do more than send one request (runners.cpp).
#include "command.hpp"

namespace kamer::cli {

void run_profile_add(Context&, const Command&, const Invocation&);
void run_profile_list(Context&, const Command&, const Invocation&);
void run_paged(Context&, const Command&, const Invocation&);  // every page, shown as one
void run_follow(Context&, const Command&, const Invocation&);
void run_analysis_show(Context&, const Command&, const Invocation&);
void run_analysis_edit(Context&, const Command&, const Invocation&);
void run_retention(Context&, const Command&, const Invocation&);

}  // namespace kamer::cli
