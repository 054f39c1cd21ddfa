#include "store/migrations.hpp"

#include "obs/log.hpp"

namespace kamer::server::store {
namespace {

// pg_advisory_lock key for "kamer migrate"; any constant that other software is unlikely to use.
constexpr long long migrate_lock_key = 0x6b616d65726d6967;  // "kamermig"

}  // namespace

int latest_migration_version() {
    const auto& all = migrations();
    return all.empty() ? 0 : all.back().version;
}

int current_version(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    auto exists = tx.exec1("SELECT to_regclass('public.schema_migrations') IS NOT NULL");
    if (!exists[0].as<bool>()) return 0;
    return tx.exec1("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].as<int>();
}

int migrate(pqxx::connection& owner, const std::string& runtime_role) {
    auto logger = log::get("store");
    {
        pqxx::nontransaction tx(owner);
        tx.exec("SELECT pg_advisory_lock(" + std::to_string(migrate_lock_key) + ")");
        tx.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())");
    }
    int applied = 0;
    try {
        int at = current_version(owner);
        for (const auto& m : migrations()) {
            if (m.version <= at) continue;
            pqxx::work tx(owner);
            tx.exec(m.sql);
            tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name);
            tx.commit();
            ++applied;
            log::info(*logger, "migration.applied", {{"version", std::int64_t(m.version)}, {"name", m.name}});
        }
        if (!runtime_role.empty()) {
            pqxx::work tx(owner);
            if (tx.exec_params1("SELECT current_user <> $1 AND NOT pg_has_role($1, 'kamer_runtime', 'MEMBER')",
                                runtime_role)[0]
                    .as<bool>())
                tx.exec("GRANT kamer_runtime TO " + tx.quote_name(runtime_role));
            tx.commit();
        }
    } catch (...) {
        pqxx::nontransaction tx(owner);
        tx.exec("SELECT pg_advisory_unlock(" + std::to_string(migrate_lock_key) + ")");
        throw;
    }
    pqxx::nontransaction tx(owner);
    tx.exec("SELECT pg_advisory_unlock(" + std::to_string(migrate_lock_key) + ")");
    return applied;
}

}  // namespace kamer::server::store
