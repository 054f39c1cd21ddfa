#include "store/registry_store.hpp"

#include <stdexcept>

namespace kamer::server::store {

std::vector<identity::Organisation> load_organisations(pqxx::connection& connection) {
    pqxx::read_transaction tx(connection);
    std::vector<identity::Organisation> out;
    for (const auto& row : tx.exec("SELECT id, oin, name, sector, status, operator FROM organisations ORDER BY oin")) {
        identity::Organisation o;
        o.id = row[0].as<int>();
        o.oin = row[1].as<std::string>();
        o.name = row[2].as<std::string>();
        // The table's CHECK constraints hold the same vocabulary as the protocol.
        if (!protocol::from_string(row[3].as<std::string>(), o.sector) ||
            !protocol::from_string(row[4].as<std::string>(), o.status))
            throw std::runtime_error("organisation " + o.oin + " has an unknown sector or status");
        o.operator_role = row[5].as<bool>();
        out.push_back(std::move(o));
    }
    return out;
}

bool upsert_organisation(pqxx::connection& connection, const std::string& oin, const std::string& name,
                         protocol::Sector sector) {
    pqxx::work tx(connection);
    auto r = tx.exec_params1(
        "INSERT INTO organisations (oin, name, sector) VALUES ($1, $2, $3)"
        " ON CONFLICT (oin) DO UPDATE SET name = EXCLUDED.name, sector = EXCLUDED.sector, updated_at = now()"
        " RETURNING (xmax = 0)",
        oin, name, std::string(protocol::to_string(sector)));
    tx.commit();
    return r[0].as<bool>();
}

void set_operator(pqxx::connection& connection, const std::string& oin, bool on) {
    pqxx::work tx(connection);
    tx.exec_params("UPDATE organisations SET operator = $2, updated_at = now() WHERE oin = $1", oin, on);
    tx.commit();
}

bool set_organisation_status(pqxx::connection& connection, const std::string& oin,
                             protocol::OrganisationStatus status) {
    pqxx::work tx(connection);
    auto r = tx.exec_params("UPDATE organisations SET status = $2, updated_at = now() WHERE oin = $1", oin,
                            std::string(protocol::to_string(status)));
    tx.commit();
    return r.affected_rows() == 1;
}

}  // namespace kamer::server::store
