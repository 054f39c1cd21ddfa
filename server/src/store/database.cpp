#include "store/database.hpp"

#include <stdexcept>

namespace kamer::server::store {

std::vector<std::string> unsafe_durability_settings(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    auto r = tx.exec1(
        "SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
        " current_setting('full_page_writes')");
    std::vector<std::string> unsafe;
    if (r[0].as<std::string>() != "on") unsafe.push_back("fsync=" + r[0].as<std::string>());
    if (r[1].as<std::string>() == "off") unsafe.push_back("synchronous_commit=off");
    if (r[2].as<std::string>() != "on") unsafe.push_back("full_page_writes=" + r[2].as<std::string>());
    return unsafe;
}

std::unique_ptr<pqxx::connection> connect(const std::string& url) {
    auto c = std::make_unique<pqxx::connection>(url);
    auto unsafe = unsafe_durability_settings(*c);
    if (!unsafe.empty()) {
        std::string list;
        for (const auto& s : unsafe) list += (list.empty() ? "" : ", ") + s;
        throw std::runtime_error("PostgreSQL is configured so that a commit may be lost (" + list +
                                 "); Kamer acknowledges only durable commits and refuses to run");
    }
    return c;
}

std::string error_reason(const std::exception& e) {
    if (dynamic_cast<const pqxx::broken_connection*>(&e)) return "broken_connection";
    if (dynamic_cast<const pqxx::in_doubt_error*>(&e)) return "in_doubt";
    if (dynamic_cast<const pqxx::transaction_rollback*>(&e)) return "rolled_back";  // serialization failure, deadlock
    if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) return "sqlstate_" + sql->sqlstate();
    if (dynamic_cast<const pqxx::failure*>(&e)) return "database_failure";
    return "error";
}

std::string current_role(pqxx::connection& connection) {
    pqxx::nontransaction tx(connection);
    return tx.exec1("SELECT current_user")[0].as<std::string>();
}

}  // namespace kamer::server::store
