#pragma once
// Where the database is: a configured PostgreSQL, or the embedded cluster started here.
// Opening applies the migrations, so every user of the database (the server, the registry
// subcommands) sees the current schema.
#include <memory>
#include <string>

#include "app/config.hpp"
#include "store/embedded_postgres.hpp"

namespace kamer::server {

class DatabaseSetup {
public:
    explicit DatabaseSetup(const Config::Database& config);
    ~DatabaseSetup();

    // Starts the embedded cluster when no URL is configured, then migrates. Throws.
    void open();
    void close();

    const std::string& runtime_url() const { return runtime_url_; }
    const std::string& owner_url() const { return owner_url_; }
    bool embedded() const { return embedded_ != nullptr; }

private:
    Config::Database config_;
    std::unique_ptr<store::EmbeddedPostgres> embedded_;
    std::string runtime_url_;
    std::string owner_url_;
};

}  // namespace kamer::server
