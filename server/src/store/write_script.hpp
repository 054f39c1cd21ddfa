#pragma once
// The writes of one batch as a single script: every statement takes its rows as one JSON
// document, quoted into the SQL as a literal, and the whole script goes to the server in one
// round trip (statements run in order, inside the caller's transaction) — with COMMIT, see
// BatchTransaction. A batch of changes then costs two round trips, whatever the number of
// tables it touches.
//
// The statements are prepared once per connection and run as EXECUTE: parsing, analysing and
// planning them again for every batch was ~40 % of PostgreSQL's CPU at 500 items/s and ~25 %
// at 2 000 (perf over kamer-bench fanout, 2026-12-03).
#include <pqxx/pqxx>

#include <initializer_list>
#include <string>
#include <string_view>

namespace kamer::server::store {

struct ScriptStatement {
    const char* name;
    const char* parameter_types;  // as PREPARE takes them: "json", "uuid[], json"
    const char* sql;              // $1, $2, ... of those types
};

// Prepares the statements on the connection (outside any transaction); a new connection
// must, before its first script.
void prepare_statements(pqxx::connection& connection, std::initializer_list<const ScriptStatement*> statements);

// "EXECUTE name('argument', ...)", each argument quoted as a literal.
std::string execute_sql(pqxx::transaction_base& tx, const ScriptStatement& statement,
                        std::initializer_list<const std::string*> arguments);

class WriteScript {
public:
    explicit WriteScript(pqxx::transaction_base& tx) : tx_(tx) {}

    // A statement of one parameter, the quoted `json`.
    void add(const ScriptStatement& statement, const std::string& json);
    bool empty() const { return script_.empty(); }
    // Sends what was added so far.
    void run();
    // What was added so far, to be sent by the caller; the script is empty after.
    std::string release();

private:
    pqxx::transaction_base& tx_;
    std::string script_;
};

}  // namespace kamer::server::store
