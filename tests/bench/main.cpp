// kamer-bench: load generator for Kamer's performance figures (see ops/bench, which starts a
// server of its own and runs every scenario).
#include <iostream>
#include <map>
#include <string>

#include "scenarios.hpp"

namespace {

constexpr const char* usage = R"(usage: kamer-bench SCENARIO [--key value]...

Scenarios (each prints one JSON line):
  handshakes  --count K --in-flight C [--resume 1]   authenticated sessions/s, server CPU per handshake
  idle        --count N --in-flight C                server resident memory per idle connection
  fanout      --rooms R --members M [--publishers P] [--window W] [--rate ITEMS_PER_S] [--seconds S]
                                                     delivered items/s, ack and delivery latency
  history     --items N [--runs X]                   time for a member to resume through a room
  audit       --kamerd PATH --config FILE [--runs X] disclosure-log verification records/s
  ceilings    --pg-host DIR --pg-user USER [--pg-bin DIR]
                                                     openssl speed and one-client pgbench commit rate

Server options (all but audit, ceilings): --host 127.0.0.1 --port P --pki DIR (made by
certs/kamer-pki) --orgs FILE (TSV slug oin sector name; registered with the server)
--server-pid PID and --pg-pid PID (the postmaster; optional) for /proc readings.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace kamer::bench;
    const std::map<std::string, void (*)(const Args&)> scenarios{
        {"handshakes", run_handshakes}, {"idle", run_idle},   {"fanout", run_fanout},
        {"history", run_history},       {"audit", run_audit}, {"ceilings", run_ceilings}};
    if (argc < 2 || !scenarios.count(argv[1])) {
        std::cerr << usage;
        return 2;
    }
    try {
        scenarios.at(argv[1])(Args(argc, argv, 2));
    } catch (const std::exception& e) {
        std::cerr << "kamer-bench " << argv[1] << ": " << e.what() << "\n";
        return 1;
    }
    return 0;
}
