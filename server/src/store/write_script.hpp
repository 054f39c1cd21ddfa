#pragma once
// The writes of one batch as a single script: every statement takes its rows as one JSON
// document, quoted into the SQL as a literal, and the whole script goes to the server in one
// round trip (statements run in order, inside the caller's transaction). A batch of changes
// then costs BEGIN, its reads, one write and COMMIT, whatever the number of tables it touches.
#include <pqxx/pqxx>

#include <string>
#include <string_view>

namespace kamer::server::store {

class WriteScript {
public:
    explicit WriteScript(pqxx::work& tx) : tx_(tx) {}

    // `sql` holds exactly one `$1`, which becomes the quoted `json`.
    void add(std::string_view sql, const std::string& json);
    bool empty() const { return script_.empty(); }
    void run();

private:
    pqxx::work& tx_;
    std::string script_;
};

}  // namespace kamer::server::store
