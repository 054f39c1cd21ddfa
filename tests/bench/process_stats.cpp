#include "process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace kamer::bench {

namespace {

struct Stat {
    pid_t parent = 0;
    double cpu = 0;         // seconds
    double reaped_cpu = 0;  // of its children that ended and were waited for
};

std::optional<Stat> read_stat(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    Stat out;
    unsigned long utime = 0, stime = 0;
    long cutime = 0, cstime = 0;
    for (int i = 3; i <= 17 && fields >> field; ++i) {
        if (i == 4) out.parent = static_cast<pid_t>(std::stol(field));
        if (i == 14) utime = std::stoul(field);
        if (i == 15) stime = std::stoul(field);
        if (i == 16) cutime = std::stol(field);
        if (i == 17) cstime = std::stol(field);
    }
    const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    out.cpu = static_cast<double>(utime + stime) / ticks;
    out.reaped_cpu = static_cast<double>(cutime + cstime) / ticks;
    return out;
}

Stat stat_of(pid_t pid) {
    const auto path = "/proc/" + std::to_string(pid) + "/stat";
    auto stat = read_stat(path);
    if (!stat) throw std::runtime_error("cannot read " + path);
    return *stat;
}

}  // namespace

double cpu_seconds(pid_t pid) { return stat_of(pid).cpu; }

double tree_cpu_seconds(pid_t pid) {
    if (pid <= 0) return 0;
    const auto root = stat_of(pid);
    // With the children that ended: PostgreSQL's autovacuum workers come and go during a run,
    // and a worker ending between two readings took its CPU out of the sum.
    double total = root.cpu + root.reaped_cpu;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const auto name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (auto stat = read_stat(entry.path().string() + "/stat"); stat && stat->parent == pid)
            total += stat->cpu;
    }
    return total;
}

long rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long kib = 0;
            in >> kib;
            return kib;
        }
        in.ignore(1 << 20, '\n');
    }
    throw std::runtime_error("no VmRSS for process " + std::to_string(pid));
}

double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(u.ru_utime) + seconds(u.ru_stime);
}

}  // namespace kamer::bench
