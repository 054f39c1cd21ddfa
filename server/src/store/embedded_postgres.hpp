#pragma once
// A private PostgreSQL cluster for a single machine, used when no database URL is configured.
// It lives in one data directory, listens only on a Unix socket inside it (no TCP), and has
// two roles: `kamer` (superuser, applies migrations) and `kamer_app` (the server's runtime
// role). When kamerd runs as root the cluster runs as the `postgres` user, as initdb and
// postgres refuse to run as root.
#include <string>

namespace kamer::server::store {

class EmbeddedPostgres {
public:
    // `bin_dir` empty: the newest /usr/lib/postgresql/<version>/bin.
    EmbeddedPostgres(std::string data_dir, std::string bin_dir);
    ~EmbeddedPostgres();

    EmbeddedPostgres(const EmbeddedPostgres&) = delete;
    EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;

    // Initialises the cluster if needed and starts it unless it is already running.
    // Throws std::runtime_error with the tool's output when something fails.
    void start();
    // Stops the cluster if this object started it (fast shutdown: clients are disconnected,
    // committed work is safe).
    void stop();

    std::string owner_url() const;    // role kamer: migrations, registry administration
    std::string runtime_url() const;  // role kamer_app: the running server

private:
    std::string data_dir_;
    std::string bin_dir_;
    bool started_here_ = false;
};

}  // namespace kamer::server::store
