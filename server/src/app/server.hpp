#pragma once
// kamerd: wires the database, the partner registry, TLS, the listener and the signal handling.
#include "app/config.hpp"

namespace kamer::server {

// Runs until SIGINT or SIGTERM. Returns the process exit code.
int run_server(const Config& config);

}  // namespace kamer::server
