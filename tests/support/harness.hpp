#pragma once
// What integration tests stand on: a fresh database in the shared test cluster, a real kamerd
// process on a free port, and client options for any certificate of the test PKI.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kamer/client/connection.hpp"
#include "kamer/protocol/vocabulary.hpp"

namespace kamer::test {

std::string pki_dir();       // made by certs/make-test-pki (fixture "pki")
std::string cluster_host();  // socket directory of the shared cluster (fixture "pg")
std::string source_dir();
// A free TCP port on 127.0.0.1, for a server that must come back on the same port.
std::uint16_t free_port();

// An organisation certificate of the test PKI by name: orgs/<name>.pem and .key.
client::ConnectOptions client_options(const std::string& name, std::uint16_t port);

struct Partner {
    std::string slug;
    std::string oin;
    protocol::Sector sector;
    std::string name;
};
// The demo partners (certs/demo-partners.tsv), which the test PKI has certificates for.
const std::vector<Partner>& demo_partners();
const Partner& partner(const std::string& slug);

// A database of its own in the shared cluster, migrated; dropped again at the end.
class TestDatabase {
public:
    TestDatabase();
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& name() const { return name_; }
    std::string runtime_url() const;  // role kamer_app, as the server runs
    std::string owner_url() const;    // role kamer, owns the schema

    void register_organisation(const std::string& oin, const std::string& name, protocol::Sector sector,
                               protocol::OrganisationStatus status = protocol::OrganisationStatus::active);
    void register_demo_partners();

private:
    std::string name_;
};

// A real kamerd process on 127.0.0.1 with a port of its own, configured for a TestDatabase
// and the test PKI. Extra options go in `settings` as "section.key" -> value.
class Kamerd {
public:
    explicit Kamerd(const TestDatabase& database, std::map<std::string, std::string> settings = {});
    ~Kamerd();
    Kamerd(const Kamerd&) = delete;
    Kamerd& operator=(const Kamerd&) = delete;

    std::uint16_t port() const { return port_; }
    std::uint16_t ops_port() const;  // the operations listener (/healthz /readyz /metrics)
    // The value of one series in its /metrics ("name" or "name{labels}"); 0 when absent.
    double metric(const std::string& series) const;
    pid_t pid() const { return pid_; }
    bool running();
    void start();
    void stop();  // SIGTERM and wait
    void kill();  // SIGKILL and wait
    void send_signal(int signal);  // e.g. SIGHUP: reload
    std::string log() const;  // everything it wrote to stderr so far
    // Waits until the log has a line containing every fragment (or the timeout passes).
    bool wait_for_log(const std::vector<std::string>& fragments,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) const;
    const std::string& directory() const { return dir_; }

private:
    void report_log_tail() const;  // the end of kamerd.log, on stderr

    std::string dir_;
    std::uint16_t port_ = 0;
    pid_t pid_ = -1;
};

// The database with the demo partners registered (for members initialised after it).
const TestDatabase& with_demo_partners(TestDatabase& database);

// A database with the demo partners and a kamerd on it, shared by the tests of a binary that
// need nothing else: set up when a test first asks, stopped when the binary exits.
struct DemoServer {
    TestDatabase database;
    Kamerd server{with_demo_partners(database)};
};
DemoServer& demo_server();

// Starts a kamerd with `settings` and expects it to refuse to start, naming `reason`.
void expect_start_refused(const TestDatabase& database, const std::map<std::string, std::string>& settings,
                          const std::string& reason);

}  // namespace kamer::test
