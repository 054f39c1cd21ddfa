#include "harness.hpp"

#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <pqxx/pqxx>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "http_get.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/registry_store.hpp"

namespace kamer::test {
namespace fs = std::filesystem;

namespace {

std::string random_hex(int bytes) {
    std::vector<unsigned char> b(static_cast<std::size_t>(bytes));
    RAND_bytes(b.data(), bytes);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (auto c : b) (out += hex[c >> 4]) += hex[c & 0xf];
    return out;
}

std::string conninfo(const std::string& db, const std::string& user) {
    return "host=" + cluster_host() + " dbname=" + db + " user=" + user;
}

}  // namespace

std::string pki_dir() { return KAMER_TEST_PKI; }
std::string cluster_host() { return KAMER_TEST_PG; }
std::string source_dir() { return KAMER_SOURCE_DIR; }

client::ConnectOptions client_options(const std::string& name, std::uint16_t port) {
    client::ConnectOptions o;
    o.port = port;
    o.certificate_file = pki_dir() + "/orgs/" + name + ".pem";
    o.private_key_file = pki_dir() + "/orgs/" + name + ".key";
    o.ca_file = pki_dir() + "/ca-bundle.pem";
    o.client_name = "kamer-tests/" + name;
    o.timeout = std::chrono::seconds(10);
    return o;
}

const std::vector<Partner>& demo_partners() {
    static const std::vector<Partner> partners = [] {
        std::vector<Partner> out;
        std::ifstream in(source_dir() + "/certs/demo-partners.tsv");
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream row(line);
            Partner p;
            std::string sector;
            std::getline(row, p.slug, '\t');
            std::getline(row, p.oin, '\t');
            std::getline(row, sector, '\t');
            std::getline(row, p.name);
            if (!protocol::from_string(sector, p.sector)) throw std::runtime_error("bad sector in demo-partners.tsv");
            out.push_back(p);
        }
        return out;
    }();
    return partners;
}

const Partner& partner(const std::string& slug) {
    for (const auto& p : demo_partners())
        if (p.slug == slug) return p;
    throw std::runtime_error("no demo partner " + slug);
}

TestDatabase::TestDatabase() : name_("kamer_t_" + random_hex(6)) {
    {
        pqxx::connection admin(conninfo("postgres", "kamer"));
        // template0: concurrent CREATE DATABASE from template1 fails when tests run in parallel.
        pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_ + " TEMPLATE template0");
    }
    auto owner = server::store::connect(owner_url());
    server::store::migrate(*owner, "kamer_app");
}

TestDatabase::~TestDatabase() {
    try {
        pqxx::connection admin(conninfo("postgres", "kamer"));
        pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
}

std::string TestDatabase::runtime_url() const { return conninfo(name_, "kamer_app"); }
std::string TestDatabase::owner_url() const { return conninfo(name_, "kamer"); }

void TestDatabase::register_organisation(const std::string& oin, const std::string& name, protocol::Sector sector,
                                         protocol::OrganisationStatus status) {
    auto c = server::store::connect(owner_url());
    server::store::upsert_organisation(*c, oin, name, sector);
    server::store::set_organisation_status(*c, oin, status);
}

void TestDatabase::register_demo_partners() {
    auto c = server::store::connect(owner_url());
    for (const auto& p : demo_partners()) server::store::upsert_organisation(*c, p.oin, p.name, p.sector);
}

Kamerd::Kamerd(const TestDatabase& database, std::map<std::string, std::string> settings) {
    dir_ = (fs::temp_directory_path() / ("kamerd-" + random_hex(6))).string();
    fs::create_directories(dir_);
    std::map<std::string, std::string> config{
        {"server.listen", "127.0.0.1:0"},
        {"server.port_file", dir_ + "/port"},
        {"server.threads", "2"},
        {"ops.listen", "127.0.0.1:0"},
        {"ops.port_file", dir_ + "/ops_port"},
        {"tls.certificate", pki_dir() + "/server/server.pem"},
        {"tls.private_key", pki_dir() + "/server/server.key"},
        {"tls.trust_store", pki_dir() + "/ca-bundle.pem"},
        {"tls.crl", pki_dir() + "/crl.pem"},
        {"database.url", database.runtime_url()},
        {"database.migrate_url", database.owner_url()},
        {"log.level", "debug"},
        {"policy.agreement", source_dir() + "/server/config/convenant.json"},
    };
    for (auto& [k, v] : settings) config[k] = v;
    std::ofstream conf(dir_ + "/kamerd.conf");
    std::string section;
    for (const auto& [key, value] : config) {
        auto dot = key.find('.');
        if (key.substr(0, dot) != section) {
            section = key.substr(0, dot);
            conf << "[" << section << "]\n";
        }
        conf << key.substr(dot + 1) << " = " << value << "\n";
    }
    conf.close();
    try {
        start();
    } catch (...) {
        // A server that refused to start has no destructor run: clean up here.
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw;
    }
}

Kamerd::~Kamerd() {
    try {
        stop();
    } catch (...) {
    }
    // A failing test (a failed assertion, or an exception on its way out) keeps the server's
    // directory and shows the end of its log, so that a failure seen once in CI can be read;
    // KAMER_KEEP_LOGS=1 keeps it always.
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    bool failing = std::uncaught_exceptions() > 0 || (test && test->result()->Failed());
    if (failing) report_log_tail();
    if (failing || std::getenv("KAMER_KEEP_LOGS")) return;
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void Kamerd::start() {
    fs::remove(dir_ + "/port");
    // Prepared before the fork: the test's other threads (partner systems, proxies) may hold an
    // allocator lock at that moment, and a child that allocates waits on it forever.
    const std::string log_path = dir_ + "/kamerd.log", conf_path = dir_ + "/kamerd.conf";
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        // If the test process dies (a crash, a CTest timeout), its server goes with it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0 && dup2(fd, STDERR_FILENO) >= 0) close(fd);
        execl(KAMERD_PATH, "kamerd", "-c", conf_path.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(dir_ + "/port");
        unsigned port = 0;
        if (in >> port && port > 0) {
            port_ = static_cast<std::uint16_t>(port);
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("kamerd exited during start:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill();
    throw std::runtime_error("kamerd did not start within 30 s:\n" + log());
}

bool Kamerd::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

void Kamerd::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill();
}

void Kamerd::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::uint16_t Kamerd::ops_port() const {
    // Written just after the partner port: wait for it briefly.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
        std::ifstream in(dir_ + "/ops_port");
        unsigned port = 0;
        if (in >> port || std::chrono::steady_clock::now() > deadline) return static_cast<std::uint16_t>(port);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

double Kamerd::metric(const std::string& series) const {
    auto body = http_get(ops_port(), "/metrics").body;
    auto at = body.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stod(body.substr(at + series.size() + 2));
}

void Kamerd::send_signal(int signal) {
    if (pid_ > 0) ::kill(pid_, signal);
}

void Kamerd::report_log_tail() const {
    constexpr std::size_t lines = 80;
    std::deque<std::string> tail;
    std::istringstream in(log());
    for (std::string line; std::getline(in, line);) {
        tail.push_back(std::move(line));
        if (tail.size() > lines) tail.pop_front();
    }
    std::cerr << "--- kamerd (" << dir_ << "/kamerd.log), last " << tail.size() << " lines ---\n";
    for (const auto& line : tail) std::cerr << line << '\n';
    std::cerr << "--- end of kamerd log ---" << std::endl;
}

std::string Kamerd::log() const {
    std::ifstream in(dir_ + "/kamerd.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

bool Kamerd::wait_for_log(const std::vector<std::string>& fragments, std::chrono::milliseconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        std::istringstream lines(log());
        std::string line;
        while (std::getline(lines, line)) {
            bool all = true;
            for (const auto& f : fragments) all = all && line.find(f) != std::string::npos;
            if (all) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
}

void expect_start_refused(const TestDatabase& database, const std::map<std::string, std::string>& settings,
                          const std::string& reason) {
    try {
        Kamerd server(database, settings);
        ADD_FAILURE() << "kamerd started; expected it to refuse: " << reason;
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
    }
}

std::uint16_t free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

const TestDatabase& with_demo_partners(TestDatabase& database) {
    database.register_demo_partners();
    return database;
}

DemoServer& demo_server() {
    static DemoServer shared;
    return shared;
}

}  // namespace kamer::test
