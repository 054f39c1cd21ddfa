// audit: `kamerd audit verify --json` on the server's database, X times → the best records/s
// as kamerd measured it (reading and hashing the chain), and the wall time of the command.
#include <boost/json/parse.hpp>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "args.hpp"
#include "bench_context.hpp"
#include "latencies.hpp"
#include "scenarios.hpp"

namespace kamer::bench {

namespace {

std::string run_command(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    return out;
}

}  // namespace

void run_audit(const Args& args) {
    std::string command = args.required("kamerd") + " -c " + args.required("config") +
                          " audit verify --json 2>/dev/null";
    long runs = args.number("runs", 3);
    boost::json::object best;
    double best_wall = 0;
    for (long i = 0; i < runs; ++i) {
        auto start = Clock::now();
        auto out = run_command(command);
        double wall = std::chrono::duration<double>(Clock::now() - start).count();
        auto result = boost::json::parse(out).as_object();
        if (!result.at("intact").as_bool())
            throw std::runtime_error("disclosure log not intact: " + out);
        if (best.empty() || result.at("records_per_second").to_number<double>() >
                                best.at("records_per_second").to_number<double>()) {
            best = result;
            best_wall = wall;
        }
    }
    print_result("audit", {{"runs", runs},
                           {"rows", best.at("rows")},
                           {"records", best.at("records")},
                           {"verify_seconds", best.at("seconds")},
                           {"records_per_second", best.at("records_per_second")},
                           {"command_wall_seconds", best_wall}});
}

}  // namespace kamer::bench
