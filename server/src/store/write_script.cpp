#include "store/write_script.hpp"

#include <utility>

namespace kamer::server::store {

void prepare_statements(pqxx::connection& connection, std::initializer_list<const ScriptStatement*> statements) {
    std::string script;
    for (const auto* s : statements)
        script.append("PREPARE ").append(s->name).append("(").append(s->parameter_types).append(") AS ")
            .append(s->sql)
            .append(";\n");
    pqxx::nontransaction tx(connection);
    tx.exec(script);
}

std::string execute_sql(pqxx::transaction_base& tx, const ScriptStatement& statement,
                        std::initializer_list<const std::string*> arguments) {
    std::string out = "EXECUTE ";
    out.append(statement.name).append("(");
    const char* separator = "";
    // As pqxx's quote() does (esc() escapes for the connection's settings), less a copy of
    // each argument and GCC 12's false -Wrestrict warning about quote()'s concatenation.
    for (const auto* a : arguments) {
        out.append(std::exchange(separator, ", ")).append("'").append(tx.esc(*a)).append("'");
    }
    return out + ")";
}

void WriteScript::add(const ScriptStatement& statement, const std::string& json) {
    script_.append(execute_sql(tx_, statement, {&json})).append(";\n");
}

void WriteScript::run() {
    if (script_.empty()) return;
    tx_.exec(script_);
    script_.clear();
}

std::string WriteScript::release() { return std::exchange(script_, {}); }

}  // namespace kamer::server::store
