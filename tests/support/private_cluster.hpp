#pragma once
// A PostgreSQL cluster of one test's own (tests/support/test-cluster), which the test may
// crash (`pg_ctl stop -m immediate`) and restart under load. Its database `postgres` holds
// Kamer's schema once a kamerd has migrated it.
#include <string>

namespace kamer::test {

class PrivateCluster {
public:
    PrivateCluster();  // initdb and start; throws when that fails
    ~PrivateCluster();
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;

    void crash();
    void restart();
    std::string url(const std::string& role) const;  // kamer (owner) or kamer_app (runtime)
    // Registers the demo partners (after a kamerd has created the schema).
    void register_demo_partners() const;

private:
    void run(const std::string& command) const;
    std::string dir_;
};

}  // namespace kamer::test
