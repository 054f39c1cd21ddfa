#pragma once
// A PostgreSQL cluster of one test's own (tests/support/test-cluster), which the test may
// crash (`pg_ctl stop -m immediate`) and restart under load. Its database `postgres` holds
// Kamer's schema once a kamerd has migrated it. Reached through its socket, or over TCP with
// TLS only (a CA of its own; the server certificate names "localhost").
#include <cstdint>
#include <map>
#include <string>

namespace kamer::test {

class PrivateCluster {
public:
    enum class Reach { socket, tls };
    explicit PrivateCluster(Reach reach = Reach::socket);  // initdb and start; throws when that fails
    ~PrivateCluster();
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;

    void crash();
    void restart();
    // kamer (owner) or kamer_app (runtime); over TLS with sslmode=verify-full when reached so.
    std::string url(const std::string& role) const;
    std::string tls_ca() const { return dir_ + "/tls/ca.crt"; }
    // The settings that run a kamerd (see harness.hpp) on this cluster.
    std::map<std::string, std::string> kamerd_settings() const;
    // Registers the demo partners in the schema that the kamerd on `kamerd_port` created, and
    // waits until that kamerd knows them: it learns of a registry change by a notification, a
    // moment after the commit, and a test's first connection must not come before that.
    void register_demo_partners(std::uint16_t kamerd_port) const;

private:
    void run(const std::string& command, const std::string& argument = {}) const;
    std::string dir_;
    Reach reach_;
    std::uint16_t port_ = 0;
};

}  // namespace kamer::test
