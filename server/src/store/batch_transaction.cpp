#include "store/batch_transaction.hpp"

namespace kamer::server::store {

pqxx::result BatchTransaction::begin(const std::string& reads) {
    open_ = true;
    return tx_.exec("BEGIN;\n" + reads);
}

void BatchTransaction::commit(const std::string& writes) {
    // COMMIT in an aborted transaction rolls back without an error. Any other statement there
    // fails (and stops the string), so one goes first whatever `writes` holds.
    const char* first = open_ ? "SELECT 1;\n" : "BEGIN;\n";
    open_ = true;  // from here on, a failure leaves a transaction to roll back
    try {
        tx_.exec(first + writes + "COMMIT");
        open_ = false;
    } catch (const pqxx::statement_completion_unknown& e) {
        // A transaction_rollback by type, which the writer would retry: it must not be.
        open_ = false;
        throw pqxx::in_doubt_error(std::string("commit outcome unknown: ") + e.what());
    } catch (const std::exception& e) {
        bool lost = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr || !connection_.is_open();
        if (!lost) throw;  // the server answered with an error: nothing was committed
        open_ = false;
        throw pqxx::in_doubt_error(std::string("connection lost while committing: ") + e.what());
    }
}

void BatchTransaction::rollback() noexcept {
    if (!open_) return;
    open_ = false;
    try {
        tx_.exec("ROLLBACK");
    } catch (...) {
        // The connection is gone, and the transaction with it; the caller drops the connection.
    }
}

}  // namespace kamer::server::store
