#pragma once
// One function per kamer-bench scenario; each prints one JSON line of results.
#include "args.hpp"

namespace kamer::bench {

void run_handshakes(const Args& args);
void run_idle(const Args& args);
void run_fanout(const Args& args);
void run_history(const Args& args);
void run_audit(const Args& args);
void run_ceilings(const Args& args);

}  // namespace kamer::bench
