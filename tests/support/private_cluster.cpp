#include "private_cluster.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "harness.hpp"
#include "kamer/client/blocking_connection.hpp"
#include "store/database.hpp"
#include "store/registry_store.hpp"

namespace kamer::test {

// Short: the socket path inside it must stay below 108 bytes.
PrivateCluster::PrivateCluster(Reach reach) : dir_("/tmp/kamer-pc-" + std::to_string(::getpid())), reach_(reach) {
    if (reach_ == Reach::socket) {
        run("start");
        return;
    }
    port_ = free_port();
    run("start-tls", std::to_string(port_));
}

PrivateCluster::~PrivateCluster() {
    try {
        run("stop");
    } catch (...) {
    }
}

void PrivateCluster::crash() { run("crash"); }
void PrivateCluster::restart() { run("restart"); }

std::string PrivateCluster::url(const std::string& role) const {
    if (reach_ == Reach::socket) return "host=" + dir_ + " dbname=postgres user=" + role;
    return "host=localhost port=" + std::to_string(port_) + " sslmode=verify-full sslrootcert=" + tls_ca() +
           " dbname=postgres user=" + role;
}

std::map<std::string, std::string> PrivateCluster::kamerd_settings() const {
    return {{"database.url", url("kamer_app")}, {"database.migrate_url", url("kamer")}};
}

void PrivateCluster::register_demo_partners(std::uint16_t kamerd_port) const {
    auto c = server::store::connect(url("kamer"));
    for (const auto& p : demo_partners()) server::store::upsert_organisation(*c, p.oin, p.name, p.sector);
    // kamerd reloads the whole registry: once it accepts the partner registered last, it has all.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        try {
            client::BlockingConnection probe(client_options(demo_partners().back().slug, kamerd_port));
            return;
        } catch (const client::ConnectError&) {
            if (std::chrono::steady_clock::now() > deadline) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
}

void PrivateCluster::run(const std::string& command, const std::string& argument) const {
    std::string line = source_dir() + "/tests/support/test-cluster " + command + " " + dir_ + " " + argument + " >/dev/null";
    if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + line);
}

}  // namespace kamer::test
