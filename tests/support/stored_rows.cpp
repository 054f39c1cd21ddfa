#include "stored_rows.hpp"

#include <pqxx/pqxx>

namespace kamer::test {

long long stored_rows(const TestDatabase& database) {
    pqxx::connection c(database.owner_url());
    pqxx::nontransaction tx(c);
    return tx.exec1("SELECT (SELECT count(*) FROM entries) + (SELECT count(*) FROM rooms)"
                    " + (SELECT count(*) FROM ops) + (SELECT count(*) FROM disclosures)")[0]
        .as<long long>();
}

}  // namespace kamer::test
