#pragma once
// Connecting to PostgreSQL, and refusing a database that cannot keep an acknowledgement.
#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kamer::server::store {

// Opens a connection and checks its durability settings. Throws pqxx errors, or
// std::runtime_error naming the settings when the server would lose acknowledged data.
std::unique_ptr<pqxx::connection> connect(const std::string& url);

// Drops `connection` when the server ended it while it sat idle (a restart, a failover, an
// administrator's pg_terminate_backend), so that the caller connects afresh instead of failing
// its next statement with `unavailable` or `outcome_unknown`. The end, and the error that
// announced it, wait unread in the socket; when nothing waits this costs one poll(). Call
// between transactions, on a connection that does not listen. Logs the drop under `name`.
bool drop_if_ended(std::unique_ptr<pqxx::connection>& connection, std::string_view name);

// The settings (of fsync, synchronous_commit, full_page_writes) that make a commit not
// durable on this server; empty when all are safe.
std::vector<std::string> unsafe_durability_settings(pqxx::connection& connection);

// A database error as a short, content-free reason for logs and metrics: the SQLSTATE of a
// statement error, or the kind of failure. PostgreSQL's own messages can quote row values and
// must never reach a log.
std::string error_reason(const std::exception& e);

// The role name a connection runs as.
std::string current_role(pqxx::connection& connection);

}  // namespace kamer::server::store
