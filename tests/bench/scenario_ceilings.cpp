// ceilings: what this machine can do at best, measured in the same run as the figures, so that
// those read as ratios: `openssl speed` for ECDSA P-256 and ECDH P-256 (one core), and the
// single-row durable commit rate of the same PostgreSQL with one pgbench client.
#include <boost/json/object.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "bench_context.hpp"
#include "scenarios.hpp"

namespace kamer::bench {
namespace {

std::string output_of(const std::string& command) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buffer[4096];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
    return out;
}

// The numbers at the end of the first line containing `marker`.
std::vector<double> trailing_numbers(const std::string& text, const std::string& marker) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        auto at = line.find(marker);
        if (at == std::string::npos) continue;
        std::istringstream words(line.substr(at + marker.size()));
        std::vector<double> numbers;
        std::string word;
        while (words >> word) {
            if (!word.empty() && word.back() == 's') continue;  // "0.0001s": seconds per op
            try {
                numbers.push_back(std::stod(word));
            } catch (const std::exception&) {
            }
        }
        return numbers;
    }
    throw std::runtime_error("no '" + marker + "' in:\n" + text);
}

}  // namespace

void run_ceilings(const Args& args) {
    auto speed = output_of("openssl speed -seconds 3 ecdsap256 ecdhp256 2>/dev/null");
    auto ecdsa = trailing_numbers(speed, "ecdsa (nistp256)");  // sign/s verify/s
    auto ecdh = trailing_numbers(speed, "ecdh (nistp256)");    // op/s
    if (ecdsa.size() < 2 || ecdh.empty())
        throw std::runtime_error("cannot read openssl speed output:\n" + speed);
    double sign = ecdsa[0], verify = ecdsa[1], ecdh_ops = ecdh[0];
    // The server's public-key work in a full mutual-TLS 1.3 handshake with P-256 certificates:
    // one signature (CertificateVerify), two verifications (the client's CertificateVerify and
    // its certificate's signature by the issuing CA), one key agreement (key generation and
    // derivation are about one ECDH operation each: counted as two).
    double handshake_us = 1e6 * (1 / sign + 2 / verify + 2 / ecdh_ops);

    std::string bin = args.text("pg-bin", "/usr/lib/postgresql/15/bin");
    std::string target =
        " -h " + args.required("pg-host") + " -U " + args.required("pg-user") + " ";
    std::string setup = bin + "/psql -qAt" + target +
                        "-d postgres -c 'DROP DATABASE IF EXISTS bench_ceiling' -c 'CREATE "
                        "DATABASE bench_ceiling' && " +
                        bin + "/psql -qAt" + target +
                        "-d bench_ceiling -c 'CREATE TABLE commits (n bigint)' && " +
                        "echo 'INSERT INTO commits VALUES (1);' > /tmp/kamer-bench-commit.sql";
    if (std::system(setup.c_str()) != 0)
        throw std::runtime_error("cannot prepare the pgbench database");
    auto pgbench = output_of(bin + "/pgbench -n -c 1 -j 1 -T " + args.text("pg-seconds", "10") +
                             target + "-f /tmp/kamer-bench-commit.sql bench_ceiling 2>&1");
    auto tps = trailing_numbers(pgbench, "tps =");
    if (tps.empty()) throw std::runtime_error("cannot read pgbench output:\n" + pgbench);
    print_result("ceilings", {{"ecdsa_p256_sign_per_second", sign},
                              {"ecdsa_p256_verify_per_second", verify},
                              {"ecdh_p256_per_second", ecdh_ops},
                              {"handshake_public_key_us_estimate", handshake_us},
                              {"pg_single_row_commits_per_second", tps[0]}});
}

}  // namespace kamer::bench
