#pragma once
// What a process costs, read from /proc: the server's CPU time and resident memory, and the
// generator's own CPU time (to show whether the generator or the server was the limit).
#include <sys/types.h>

namespace kamer::bench {

double cpu_seconds(pid_t pid);  // user + system time so far
// The same for a process and its children, those that ended included: PostgreSQL's postmaster
// and its backends, whose CPU is part of what a durable write costs. 0 without a pid.
double tree_cpu_seconds(pid_t pid);
long rss_kib(pid_t pid);  // VmRSS
double own_cpu_seconds();

}  // namespace kamer::bench
