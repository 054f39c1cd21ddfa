#pragma once
#include <string>
#include <vector>

#include "app/config.hpp"

namespace kamer::server {

// kamerd registry list|add|suspend|activate ...: manages the partner registry directly in
// the database (run on the server host, as the schema owner). Returns the exit code.
int run_registry_command(const Config& config, const std::vector<std::string>& args);

}  // namespace kamer::server
