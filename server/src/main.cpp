// kamerd: the Kamer server. See README.md for configuration and operation.
#include <malloc.h>

#include <iostream>

#include "app/admin_commands.hpp"
#include "app/config.hpp"
#include "app/database_setup.hpp"
#include "app/registry_command.hpp"
#include "app/server.hpp"
#include "obs/log.hpp"

int main(int argc, char** argv) {
    using namespace kamer::server;
    ParsedCommandLine cli;
    try {
        cli = parse_command_line(argc, argv);
    } catch (const ConfigError& e) {
        std::cerr << "kamerd: " << e.what() << "\n";
        return 2;
    }
    if (cli.help) {
        std::cout << cli.help_text;
        return 0;
    }
    if (cli.print_config) {
        std::cout << render(cli.config);
        return 0;
    }
    auto problems = validate(cli.config);
    bool needs_tls = cli.command.empty();
    if (cli.check_config || needs_tls) {
        for (const auto& p : problems) std::cerr << "kamerd: " << p << "\n";
        if (cli.check_config) {
            if (problems.empty()) std::cout << "configuration is valid\n";
            return problems.empty() ? 0 : 1;
        }
        if (!problems.empty()) return 2;
    }

    // Reading pages of entries or disclosure rows allocates results of a megabyte and more,
    // again and again. By default glibc maps such blocks afresh and hands freed heap back to
    // the system, so every page pays for page faults (a quarter of kamerd's samples while
    // members resume; `audit verify` spent 0.72 s in the kernel, 0.50 s with this); keep them
    // in the heap instead (README, Performance).
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
    kamer::log::init(cli.config.log.level);
    int code = 0;
    try {
        if (cli.command.empty()) {
            code = run_server(cli.config);
        } else if (cli.command[0] == "registry") {
            code = run_registry_command(cli.config, {cli.command.begin() + 1, cli.command.end()});
        } else if (cli.command[0] == "audit") {
            code = run_audit_command(cli.config, {cli.command.begin() + 1, cli.command.end()});
        } else if (cli.command[0] == "retention") {
            code = run_retention_command(cli.config, {cli.command.begin() + 1, cli.command.end()});
        } else if (cli.command[0] == "migrate") {
            DatabaseSetup database(cli.config.database);
            database.open();
            std::cout << "database is at the current schema\n";
        } else {
            std::cerr << "kamerd: unknown command '" << cli.command[0] << "' (see --help)\n";
            code = 2;
        }
    } catch (const std::exception& e) {
        std::cerr << "kamerd: " << e.what() << "\n";
        code = 1;
    }
    kamer::log::shutdown();
    return code;
}
