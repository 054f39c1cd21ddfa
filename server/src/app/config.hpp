#pragma once
// kamerd's configuration: a file (INI sections), overridden by KAMER_* environment variables,
// overridden by command-line flags. Every option, with its default and meaning, is declared
// once in config.cpp; `kamerd --print-config` prints the effective values.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace kamer::server {

struct ListenAddress {
    std::string host;
    std::uint16_t port = 0;
};

struct Config {
    struct Server {
        ListenAddress listen{"127.0.0.1", 8443};
        std::string port_file;  // written with the bound port once listening
        unsigned threads = 0;             // 0: one per core
        std::string node_name;            // defaults to the host name
    } server;

    struct Tls {
        std::string certificate;  // server chain, leaf first
        std::string private_key;
        std::string trust_store;  // CA bundle that issues partner certificates
        std::string crl;          // CRLs of every CA in trust_store
        int verify_depth = 2;
    } tls;

    struct Database {
        std::string url;          // empty: embedded cluster under data_dir
        std::string migrate_url;  // role that owns the schema; empty: same as url
        std::string data_dir = "var/pgdata";
        std::string pg_bin_dir;  // empty: newest /usr/lib/postgresql/*/bin
        unsigned pool_size = 4;
        unsigned batch_wait_microseconds = 1000;  // how long an idle writer lets a batch gather
    } database;

    struct Limits {
        std::size_t max_message_bytes = 1024 * 1024;
        unsigned max_depth = 16;
        unsigned handshake_timeout_seconds = 5;
        unsigned hello_timeout_seconds = 10;
        unsigned idle_timeout_seconds = 120;
        unsigned max_connections = 20000;
        unsigned max_connections_per_organisation = 2000;
        unsigned max_connections_per_address = 5000;
        unsigned max_in_flight = 64;
        std::size_t send_queue_bytes = 4 * 1024 * 1024;
        std::size_t send_queue_max_bytes = 16 * 1024 * 1024;
        unsigned slow_consumer_seconds = 10;
        unsigned messages_per_second = 500;
        unsigned message_burst = 1000;
    } limits;

    struct Ops {
        bool enabled = true;
        ListenAddress listen{"127.0.0.1", 9464};  // /healthz /readyz /metrics, plain HTTP
        std::string port_file;                     // written with the bound port once listening
    } ops;

    struct Policy {
        std::string agreement = "server/config/convenant.json";  // the sharing agreement (convenant)
    } policy;

    struct Retention {
        unsigned interval_hours = 24;  // how often expired rooms are purged; 0: only by command
    } retention;

    struct Log {
        std::string level = "info";
    } log;
};

// Raised for any configuration problem; the message names the option and what is wrong.
struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ParsedCommandLine {
    Config config;
    std::filesystem::path config_file;
    std::vector<std::string> command;  // subcommand and its arguments, e.g. {"registry","list"}
    bool check_config = false;
    bool print_config = false;
    bool help = false;
    std::string help_text;
};

// Parses argv, the environment and the config file (--config). Throws ConfigError.
ParsedCommandLine parse_command_line(int argc, const char* const argv[]);

// Checks values that parse but make no sense together (missing files, bad combinations).
// Returns one line per problem; empty when the configuration is usable.
std::vector<std::string> validate(const Config& config);

// The effective configuration in the file format, with every option.
std::string render(const Config& config);

}  // namespace kamer::server
