#pragma once
// The writes of one batch as a single script: every statement takes its rows as one JSON
// document, quoted into the SQL as a literal, and the whole script goes to the server in one
// round trip (statements run in order, inside the caller's transaction) — with COMMIT, see
// BatchTransaction. A batch of changes then costs two round trips, whatever the number of
// tables it touches.
#include <pqxx/pqxx>

#include <string>
#include <string_view>

namespace kamer::server::store {

class WriteScript {
public:
    explicit WriteScript(pqxx::transaction_base& tx) : tx_(tx) {}

    // `sql` holds exactly one `$1`, which becomes the quoted `json`.
    void add(std::string_view sql, const std::string& json);
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
