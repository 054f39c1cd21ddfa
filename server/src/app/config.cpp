#include "app/config.hpp"

#include "policy/agreement.hpp"

#include <boost/program_options.hpp>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>

namespace kamer::server {
namespace po = boost::program_options;
namespace {

ListenAddress parse_listen(const std::string& option, const std::string& value) {
    auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw ConfigError(option + ": expected HOST:PORT, got '" + value + "'");
    ListenAddress a;
    a.host = value.substr(0, colon);
    if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
        a.host = a.host.substr(1, a.host.size() - 2);
    auto port = value.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoul(port) > 65535)
        throw ConfigError(option + ": port must be a number from 0 to 65535, got '" + port + "'");
    a.port = static_cast<std::uint16_t>(std::stoul(port));
    return a;
}

std::string format_listen(const ListenAddress& a) {
    bool v6 = a.host.find(':') != std::string::npos;
    return (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(a.port);
}

template <class T>
std::string text_of(const T& v) {
    if constexpr (std::is_same_v<T, std::string>) return v;
    else return std::to_string(v);
}

// Declares every option once, bound to a field of `c` whose initial value is the default.
// Keeps, per option, how to print its current value for --print-config.
struct Options {
    struct Printed {
        std::string name, description;
        std::function<std::string()> value;
    };
    po::options_description all{"Options"};
    std::vector<Printed> printed;
    std::string server_listen;
    std::string ops_listen;

    template <class T>
    void add(po::options_description& group, const char* name, T& field, const char* description) {
        group.add_options()(name, po::value(&field)->default_value(field, text_of(field)), description);
        printed.push_back({name, description, [&field] { return text_of(field); }});
    }

    explicit Options(Config& c) {
        server_listen = format_listen(c.server.listen);
        ops_listen = c.ops.enabled ? format_listen(c.ops.listen) : "off";
        po::options_description server("server");
        add(server, "server.listen", server_listen, "address and port of the partner listener (port 0: any free port)");
        add(server, "server.port_file", c.server.port_file, "file to write the bound port to once listening");
        add(server, "server.threads", c.server.threads, "network threads; 0 = one per core");
        add(server, "server.node_name", c.server.node_name, "name of this node in logs and metrics (default: host name)");

        po::options_description tls("tls");
        add(tls, "tls.certificate", c.tls.certificate, "server certificate chain (PEM, leaf first)");
        add(tls, "tls.private_key", c.tls.private_key, "server private key (PEM)");
        add(tls, "tls.trust_store", c.tls.trust_store, "CA certificates that issue partner certificates (PEM bundle)");
        add(tls, "tls.crl", c.tls.crl, "CRLs of every CA in the trust store (PEM); required: revocation is always checked");
        add(tls, "tls.verify_depth", c.tls.verify_depth, "maximum CA certificates above a partner certificate");

        po::options_description db("database");
        add(db, "database.url", c.database.url,
            "PostgreSQL URL for the server's runtime role; empty: embedded cluster in data_dir");
        add(db, "database.migrate_url", c.database.migrate_url,
            "PostgreSQL URL of the schema owner that applies migrations; empty: database.url");
        add(db, "database.data_dir", c.database.data_dir, "data directory of the embedded cluster");
        add(db, "database.pg_bin_dir", c.database.pg_bin_dir,
            "PostgreSQL server binaries for the embedded cluster (empty: newest installed)");
        add(db, "database.pool_size", c.database.pool_size, "database connections for reads");
        add(db, "database.batch_wait_microseconds", c.database.batch_wait_microseconds,
            "how long an idle writer lets changes gather into one commit (0: commit each at once)");

        po::options_description limits("limits");
        auto& l = c.limits;
        add(limits, "limits.max_message_bytes", l.max_message_bytes, "largest WebSocket message accepted (bytes)");
        add(limits, "limits.max_depth", l.max_depth, "deepest JSON nesting accepted");
        add(limits, "limits.handshake_timeout_seconds", l.handshake_timeout_seconds,
            "time allowed from TCP accept to the WebSocket upgrade");
        add(limits, "limits.hello_timeout_seconds", l.hello_timeout_seconds,
            "time allowed between the upgrade and the hello message");
        add(limits, "limits.idle_timeout_seconds", l.idle_timeout_seconds,
            "close a session without traffic for this long (pings keep it alive)");
        add(limits, "limits.max_connections", l.max_connections, "connections in total");
        add(limits, "limits.max_connections_per_organisation", l.max_connections_per_organisation,
            "authenticated sessions per organisation");
        add(limits, "limits.max_connections_per_address", l.max_connections_per_address,
            "connections per remote IP address");
        add(limits, "limits.max_in_flight", l.max_in_flight,
            "requests of one session being processed at once; more wait unread");
        add(limits, "limits.send_queue_bytes", l.send_queue_bytes,
            "bytes a session may leave queued for at most limits.slow_consumer_seconds before it is closed as a "
            "slow consumer");
        add(limits, "limits.send_queue_max_bytes", l.send_queue_max_bytes,
            "bytes queued for a session at which it is closed as a slow consumer at once (its memory bound)");
        add(limits, "limits.slow_consumer_seconds", l.slow_consumer_seconds,
            "how long a session may leave more than limits.send_queue_bytes queued");
        add(limits, "limits.messages_per_second", l.messages_per_second, "sustained requests per second per session");
        add(limits, "limits.message_burst", l.message_burst,
            "requests a session may send at once above the sustained rate");

        po::options_description ops("ops");
        add(ops, "ops.listen", ops_listen,
            "address and port of the operations listener (/healthz /readyz /metrics; plain HTTP: keep it on "
            "loopback or a management network); off: none");
        add(ops, "ops.port_file", c.ops.port_file, "file to write the operations port to once listening");

        po::options_description pol("policy");
        add(pol, "policy.agreement", c.policy.agreement,
            "the sharing agreement (convenant, JSON): who may receive which category at which table");

        po::options_description ret("retention");
        add(ret, "retention.interval_hours", c.retention.interval_hours,
            "purge closed rooms past their retention term every this many hours (0: only by command)");

        po::options_description log("log");
        add(log, "log.level", c.log.level, "trace, debug, info, warn, error, critical or off");
        all.add(server).add(tls).add(db).add(limits).add(ops).add(pol).add(ret).add(log);
    }
};

// KAMER_DATABASE_URL -> database.url: the first underscore after the prefix separates section
// and key. Variables that name no option (KAMER_PKI_DIR, ...) are ignored.
std::string env_to_option(const po::options_description& known, const std::string& env) {
    static constexpr std::string_view prefix = "KAMER_";
    if (env.rfind(prefix, 0) != 0) return {};
    std::string rest = env.substr(prefix.size());
    auto sep = rest.find('_');
    if (sep == std::string::npos) return {};
    std::string name = rest.substr(0, sep) + "." + rest.substr(sep + 1);
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return known.find_nothrow(name, false) ? name : std::string();
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const argv[]) {
    ParsedCommandLine out;
    Options options(out.config);

    po::options_description general("General");
    std::string config_file;
    general.add_options()("help,h", "show this help")
        ("config,c", po::value(&config_file), "configuration file (INI sections as below)")
        ("check-config", "validate the configuration, print every problem, and exit")
        ("print-config", "print the effective configuration with every option, and exit");

    po::options_description cli;
    cli.add(general).add(options.all);

    // kamerd's own options come first; the first bare word starts the subcommand, and every
    // token from there on belongs to it (e.g. `registry add --oin ...`).
    int split = 1;
    while (split < argc) {
        std::string_view t = argv[split];
        if (t.empty() || t[0] != '-') break;
        bool flag = t == "--help" || t == "-h" || t == "--check-config" || t == "--print-config";
        split += (flag || t.find('=') != std::string_view::npos) ? 1 : 2;
    }
    split = std::min(split, argc);
    std::vector<std::string> command(argv + split, argv + argc);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(split, argv).options(cli).run(), vm);
        po::store(po::parse_environment(options.all,
                                        [&](const std::string& env) { return env_to_option(options.all, env); }),
                  vm);
        if (vm.count("config")) {
            config_file = vm["config"].as<std::string>();
            std::ifstream in(config_file);
            if (!in) throw ConfigError("--config: cannot read '" + config_file + "'");
            po::store(po::parse_config_file(in, options.all, false), vm);
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw ConfigError(e.what());
    }

    out.config.server.listen = parse_listen("server.listen", options.server_listen);
    out.config.ops.enabled = options.ops_listen != "off";
    if (out.config.ops.enabled) out.config.ops.listen = parse_listen("ops.listen", options.ops_listen);
    if (out.config.server.node_name.empty()) {
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        out.config.server.node_name = host;
    }
    out.config_file = config_file;
    out.command = command;
    out.check_config = vm.count("check-config") > 0;
    out.print_config = vm.count("print-config") > 0;
    out.help = vm.count("help") > 0;
    std::ostringstream help;
    help << "usage: kamerd [options] [command]\n\n"
            "commands:\n"
            "  (none)                 run the server\n"
            "  migrate                apply database migrations and exit\n"
            "  registry list|add|suspend|activate|import   manage the partner registry (see registry --help)\n"
            "  audit verify [--json]  verify the disclosure log's hash chain\n"
            "  retention run [--dry-run] [--json]   purge closed rooms past their retention term\n\n"
         << cli;
    out.help_text = help.str();
    return out;
}

std::vector<std::string> validate(const Config& c) {
    std::vector<std::string> problems;
    auto need_file = [&](const char* option, const std::filesystem::path& p) {
        if (p.empty()) {
            problems.push_back(std::string(option) + ": required");
        } else if (std::ifstream f(p); !f) {
            problems.push_back(std::string(option) + ": cannot read '" + p.string() + "'");
        }
    };
    need_file("tls.certificate", c.tls.certificate);
    need_file("tls.private_key", c.tls.private_key);
    need_file("tls.trust_store", c.tls.trust_store);
    need_file("tls.crl", c.tls.crl);
    if (c.tls.verify_depth < 1 || c.tls.verify_depth > 5)
        problems.push_back("tls.verify_depth: must be between 1 and 5");
    if (c.database.url.empty() && c.database.data_dir.empty())
        problems.push_back("database.data_dir: required when database.url is empty");
    if (!c.database.migrate_url.empty() && c.database.url.empty())
        problems.push_back("database.migrate_url: set database.url as well (the runtime role)");
    if (c.database.pool_size < 1 || c.database.pool_size > 64)
        problems.push_back("database.pool_size: must be between 1 and 64");
    if (c.database.batch_wait_microseconds > 20000)
        problems.push_back("database.batch_wait_microseconds: must be between 0 and 20000");
    const auto& l = c.limits;
    if (l.max_message_bytes < 1024 || l.max_message_bytes > 16 * 1024 * 1024)
        problems.push_back("limits.max_message_bytes: must be between 1024 and 16777216");
    if (l.max_depth < 4 || l.max_depth > 64) problems.push_back("limits.max_depth: must be between 4 and 64");
    if (l.handshake_timeout_seconds < 1 || l.handshake_timeout_seconds > 60)
        problems.push_back("limits.handshake_timeout_seconds: must be between 1 and 60");
    if (l.hello_timeout_seconds < 1 || l.hello_timeout_seconds > 300)
        problems.push_back("limits.hello_timeout_seconds: must be between 1 and 300");
    if (l.idle_timeout_seconds < 2 || l.idle_timeout_seconds > 86400)
        problems.push_back("limits.idle_timeout_seconds: must be between 2 and 86400");
    if (l.max_connections < 1) problems.push_back("limits.max_connections: must be at least 1");
    if (l.max_connections_per_organisation < 1)
        problems.push_back("limits.max_connections_per_organisation: must be at least 1");
    if (l.max_connections_per_address < 1)
        problems.push_back("limits.max_connections_per_address: must be at least 1");
    if (l.max_in_flight < 1 || l.max_in_flight > 10000)
        problems.push_back("limits.max_in_flight: must be between 1 and 10000");
    if (l.send_queue_bytes < l.max_message_bytes)
        problems.push_back("limits.send_queue_bytes: must be at least limits.max_message_bytes");
    if (l.send_queue_max_bytes < l.send_queue_bytes)
        problems.push_back("limits.send_queue_max_bytes: must be at least limits.send_queue_bytes");
    if (l.slow_consumer_seconds < 1 || l.slow_consumer_seconds > 3600)
        problems.push_back("limits.slow_consumer_seconds: must be between 1 and 3600");
    if (l.messages_per_second < 1) problems.push_back("limits.messages_per_second: must be at least 1");
    if (l.message_burst < 1) problems.push_back("limits.message_burst: must be at least 1");
    if (c.policy.agreement.empty()) {
        problems.push_back("policy.agreement: required");
    } else {
        try {
            policy::Agreement::load(c.policy.agreement);
        } catch (const std::exception& e) {
            problems.push_back(std::string("policy.agreement: ") + e.what());
        }
    }
    static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
    if (std::find(std::begin(levels), std::end(levels), c.log.level) == std::end(levels))
        problems.push_back("log.level: must be one of trace, debug, info, warn, error, critical, off");
    return problems;
}

std::string render(const Config& config) {
    Config copy = config;
    Options options(copy);
    options.server_listen = format_listen(config.server.listen);
    options.ops_listen = config.ops.enabled ? format_listen(config.ops.listen) : "off";
    std::ostringstream out;
    std::string section;
    for (const auto& p : options.printed) {
        auto dot = p.name.find('.');
        std::string sec = p.name.substr(0, dot);
        if (sec != section) {
            out << (section.empty() ? "" : "\n") << "[" << sec << "]\n";
            section = sec;
        }
        out << "# " << p.description << "\n" << p.name.substr(dot + 1) << " = " << p.value() << "\n";
    }
    return out.str();
}

}  // namespace kamer::server
