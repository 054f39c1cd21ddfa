#pragma once
// Numbered SQL migrations (store/migrations/NNNN_name.sql), compiled into kamerd.
#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace kamer::server::store {

struct Migration {
    int version;
    const char* name;
    const char* sql;
};

// Every migration in order (generated at build time).
const std::vector<Migration>& migrations();

// The version this build expects the schema to be at.
int latest_migration_version();

// Applies the missing migrations, each in its own transaction, under an advisory lock so that
// nodes starting together apply each migration once. Returns how many were applied.
// `runtime_role` (may be empty) is made a member of kamer_runtime.
int migrate(pqxx::connection& owner, const std::string& runtime_role);

// The schema version recorded in the database (0 when none).
int current_version(pqxx::connection& connection);

}  // namespace kamer::server::store
