#pragma once
#include <string>
#include <vector>

#include "app/config.hpp"

namespace kamer::server {

// kamerd audit verify [--json]: recomputes the disclosure log's hash chain; exit 0 when
// intact, 1 when a row is broken (named in the output).
int run_audit_command(const Config& config, const std::vector<std::string>& args);

// kamerd retention run [--dry-run] [--json]: lists (and without --dry-run purges) closed rooms
// past their retention term.
int run_retention_command(const Config& config, const std::vector<std::string>& args);

}  // namespace kamer::server
