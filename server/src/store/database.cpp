#include "store/database.hpp"

#include <poll.h>

#include <stdexcept>

#include "obs/log.hpp"

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

bool drop_if_ended(std::unique_ptr<pqxx::connection>& connection, std::string_view name) {
    if (!connection) return false;
    // An idle connection that does not listen gets nothing unasked but now and then a changed
    // parameter; at its end, the error that announces it and then the end itself, each found
    // by a read of its own.
    for (int reads = 0; reads < 4 && connection->is_open(); ++reads) {
        pollfd socket{connection->sock(), POLLIN, 0};
        if (::poll(&socket, 1, 0) <= 0) break;
        try {
            connection->get_notifs();  // reads what waits; throws when it finds the end
        } catch (const pqxx::broken_connection&) {
            break;
        }
    }
    if (connection->is_open()) return false;
    connection.reset();
    static auto logger = log::get("store");
    log::info(*logger, "db.connection_ended", {{"connection", std::string(name)}});
    return true;
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
