// kamerd: the Kamer server. See README.md for configuration and operation.
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
