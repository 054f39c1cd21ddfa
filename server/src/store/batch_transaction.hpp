#pragma once
// A write batch's transaction in two round trips where pqxx::work takes four: BEGIN travels
// with the batch's reads, COMMIT with its writes; or in one, BEGIN and COMMIT with the writes,
// for a batch that reads nothing. Each is one simple-query string of several statements, which
// the server runs in order and stops at the first error (the transaction is then aborted, and
// rolled back here).
#include <pqxx/pqxx>

#include <string>

namespace kamer::server::store {

class BatchTransaction {
public:
    explicit BatchTransaction(pqxx::connection& connection) : connection_(connection), tx_(connection) {}
    BatchTransaction(const BatchTransaction&) = delete;
    BatchTransaction& operator=(const BatchTransaction&) = delete;
    ~BatchTransaction() { rollback(); }

    // Sends "BEGIN; <reads>" and returns the result of the last statement of `reads`.
    pqxx::result begin(const std::string& reads);
    // Statements in between run inside the transaction.
    pqxx::transaction_base& statements() { return tx_; }
    bool begun() const { return open_; }
    // Sends "<writes>COMMIT" (`writes` ends its statements with ';'), with BEGIN first when the
    // transaction was not begun. A connection lost on the way, or a completion the server
    // itself cannot vouch for, leaves the outcome unknown: pqxx::in_doubt_error, as pqxx::work
    // reports it.
    void commit(const std::string& writes);
    // Ends a begun, uncommitted transaction; a lost connection has ended it already.
    void rollback() noexcept;

private:
    pqxx::connection& connection_;
    pqxx::nontransaction tx_;
    bool open_ = false;
};

}  // namespace kamer::server::store
