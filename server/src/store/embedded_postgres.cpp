#include "store/embedded_postgres.hpp"

#include <pqxx/pqxx>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "obs/log.hpp"

namespace kamer::server::store {
namespace fs = std::filesystem;
namespace {

std::string newest_bin_dir() {
    fs::path best;
    int best_version = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        int version = std::atoi(entry.path().filename().c_str());
        if (version > best_version && fs::exists(entry.path() / "bin" / "pg_ctl")) {
            best_version = version;
            best = entry.path() / "bin";
        }
    }
    if (best.empty())
        throw std::runtime_error("no PostgreSQL server binaries under /usr/lib/postgresql (install postgresql)");
    return best.string();
}

struct ProcessResult {
    int status;
    std::string output;
};

// Runs a program (as `user` when given), collecting stdout and stderr.
ProcessResult run(std::vector<std::string> argv, const std::string& user) {
    if (!user.empty()) argv.insert(argv.begin(), {"runuser", "-u", user, "--"});
    // Built before the fork: the child of a threaded process may only make async-signal-safe
    // calls (an allocation can wait forever on a lock some other thread held at the fork).
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int pipefd[2];
    if (pipe(pipefd) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(pipefd[1]);
    std::string output;
    std::array<char, 4096> buf;
    ssize_t n;
    while ((n = read(pipefd[0], buf.data(), buf.size())) > 0) output.append(buf.data(), static_cast<size_t>(n));
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A libpq keyword/value connection string for the socket in `dir` (quoted: paths may hold spaces).
std::string conninfo(const std::string& dir, const std::string& database, const std::string& user) {
    std::string quoted;
    for (char c : dir) {
        if (c == '\\' || c == '\'') quoted += '\\';
        quoted += c;
    }
    return "host='" + quoted + "' dbname=" + database + " user=" + user;
}

// The system user the cluster runs as: ourselves, or `postgres` when we are root.
std::string cluster_user() { return geteuid() == 0 ? "postgres" : ""; }

void take_ownership(const fs::path& dir, const std::string& user) {
    if (user.empty()) return;
    passwd* pw = getpwnam(user.c_str());
    if (!pw) throw std::runtime_error("user '" + user + "' does not exist (install postgresql)");
    if (chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("cannot give " + dir.string() + " to " + user);
}

}  // namespace

EmbeddedPostgres::EmbeddedPostgres(std::string data_dir, std::string bin_dir)
    : data_dir_(fs::absolute(data_dir).lexically_normal().string()),
      bin_dir_(bin_dir.empty() ? newest_bin_dir() : std::move(bin_dir)) {
    // The socket lives in the data directory; Unix socket paths are limited to 107 bytes.
    if (data_dir_.size() + sizeof "/.s.PGSQL.5432" > 107)
        throw std::runtime_error("database.data_dir path is too long for a Unix socket: " + data_dir_);
}

EmbeddedPostgres::~EmbeddedPostgres() {
    try {
        stop();
    } catch (...) {
    }
}

void EmbeddedPostgres::start() {
    auto logger = log::get("store");
    const std::string user = cluster_user();
    fs::path dir(data_dir_);
    if (!fs::exists(dir / "PG_VERSION")) {
        fs::create_directories(dir);
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
        take_ownership(dir, user);
        auto r = run({bin_dir_ + "/initdb", "-D", data_dir_, "-U", "kamer", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8"},
                     user);
        if (r.status != 0) throw std::runtime_error("initdb failed:\n" + r.output);
        // Socket only, inside the data directory (mode 0700): no TCP listener at all.
        std::ofstream conf(dir / "postgresql.conf", std::ios::app);
        conf << "\n# Kamer embedded cluster\nlisten_addresses = ''\nunix_socket_directories = '" << data_dir_
             << "'\nmax_connections = 200\n";
        if (!conf) throw std::runtime_error("cannot write " + (dir / "postgresql.conf").string());
        log::info(*logger, "embedded.initialised", {{"data_dir", data_dir_}});
    }
    if (run({bin_dir_ + "/pg_ctl", "-D", data_dir_, "status"}, user).status != 0) {
        auto r = run({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-l", data_dir_ + "/postgres.log", "-w", "-t", "60",
                      "start"},
                     user);
        if (r.status != 0)
            throw std::runtime_error("pg_ctl start failed (see " + data_dir_ + "/postgres.log):\n" + r.output);
        started_here_ = true;
        log::info(*logger, "embedded.started", {{"data_dir", data_dir_}});
    }
    // Database and runtime role, idempotently.
    pqxx::connection admin(conninfo(data_dir_, "postgres", "kamer"));
    pqxx::nontransaction tx(admin);
    if (tx.exec("SELECT 1 FROM pg_database WHERE datname = 'kamer'").empty()) tx.exec("CREATE DATABASE kamer");
    if (tx.exec("SELECT 1 FROM pg_roles WHERE rolname = 'kamer_app'").empty()) tx.exec("CREATE ROLE kamer_app LOGIN");
}

void EmbeddedPostgres::stop() {
    if (!started_here_) return;
    started_here_ = false;
    auto r = run({bin_dir_ + "/pg_ctl", "-D", data_dir_, "-m", "fast", "-w", "stop"}, cluster_user());
    auto logger = log::get("store");
    if (r.status != 0)
        log::warn(*logger, "embedded.stop_failed", {{"data_dir", data_dir_}});
    else
        log::info(*logger, "embedded.stopped", {{"data_dir", data_dir_}});
}

std::string EmbeddedPostgres::owner_url() const {
    return conninfo(data_dir_, "kamer", "kamer");
}

std::string EmbeddedPostgres::runtime_url() const {
    return conninfo(data_dir_, "kamer", "kamer_app");
}

}  // namespace kamer::server::store
