#pragma once
// A broken invariant found by a fuzz target: `kind` names the invariant (stable, so that a known
// open bug can be set aside while fuzzing goes on), `detail` says what happened.
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace kamer::fuzz {

struct Finding {
    std::string kind;
    std::string detail;
};

// For the libFuzzer entry points: a finding is a crash, so that libFuzzer saves the input.
// KAMER_FUZZ_IGNORE (comma-separated kinds) lets a run continue past bugs already reported;
// the regression unit test never ignores anything.
inline void crash_on(const std::optional<Finding>& finding) {
    if (!finding) return;
    if (const char* ignore = std::getenv("KAMER_FUZZ_IGNORE")) {
        std::string_view list(ignore);
        while (!list.empty()) {
            auto comma = list.find(',');
            if (list.substr(0, comma) == finding->kind) return;
            list = comma == list.npos ? std::string_view() : list.substr(comma + 1);
        }
    }
    std::fprintf(stderr, "\nFINDING %s: %s\n", finding->kind.c_str(), finding->detail.c_str());
    std::abort();
}

}  // namespace kamer::fuzz
