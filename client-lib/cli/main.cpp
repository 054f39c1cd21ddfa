// kamer: the command-line client for chairs, members, privacy officers and operators.
//
//   kamer [--profile NAME] [--json] COMMAND [ARGUMENTS] [OPTIONS]
//
// Exit codes: 0 done, 1 other failure, 2 usage, 3 no connection (refused, TLS, lost),
// 4 the server refused the request.
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "command.hpp"
#include "kamer/client/errors.hpp"

namespace {

using namespace kamer::cli;
using kamer::client::ConnectError;
using kamer::client::RequestError;
using kamer::protocol::ErrorCode;

constexpr int exit_other = 1, exit_usage = 2, exit_connection = 3, exit_refused = 4;

// Options of every command.
po::options_description global_options() {
    po::options_description o("Connection and output (any command; a profile holds the connection settings)");
    o.add_options()
        ("help,h", po::bool_switch(), "this help")
        ("json", po::bool_switch(), "print the reply as JSON, for scripts")
        ("profile", po::value<std::string>(), "the profile to use (env KAMER_PROFILE; default: default)")
        ("profiles", po::value<std::string>(), "the profile file (env KAMER_PROFILES)")
        ("server", po::value<std::string>(), "HOST:PORT of the Kamer server")
        ("server-name", po::value<std::string>(), "the name in the server's certificate (default localhost)")
        ("certificate", po::value<std::string>(), "your organisation certificate (PEM)")
        ("key", po::value<std::string>(), "its private key (PEM)")
        ("ca", po::value<std::string>(), "the CA bundle that issued the server's certificate")
        ("crl", po::value<std::string>(), "CRLs to check the server's certificate against")
        ("actor", po::value<std::string>(), "your id as the professional acting")
        ("actor-function", po::value<std::string>(), "your function, e.g. privacy-officer");
    return o;
}

std::string name_of(const Command& c) {
    std::string s;
    for (const auto& w : c.words) s += (s.empty() ? "" : " ") + w;
    return s;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

void print_overview(std::ostream& out) {
    out << "usage: kamer [--profile NAME] [--json] COMMAND [ARGUMENTS] [OPTIONS]\n"
           "       kamer COMMAND --help\n\n"
           "The command-line client of Kamer, where partners hold case consultations.\n";
    std::string group;
    for (const auto& c : all_commands()) {
        if (c.group != group) out << "\n" << (group = c.group) << ":\n";
        auto name = name_of(c);
        out << "  " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << c.summary << "\n";
    }
    out << "\n" << global_options();
    out << "\nExit codes: 0 done, 1 other failure, 2 usage, 3 no connection, 4 refused by the server.\n";
}

void print_help(const Command& c, const po::options_description& own) {
    std::cout << "usage: kamer " << name_of(c);
    for (const auto& p : c.positional) std::cout << " " << upper(p);
    auto summary = c.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    std::cout << " [options]\n\n" << summary << ".\n";
    if (!c.details.empty()) std::cout << c.details << "\n";
    if (!c.positional.empty()) {
        std::cout << "\n";
        for (const auto& p : c.positional) std::cout << upper(p) << " may also be given as --" << p << ".\n";
    }
    if (!own.options().empty()) std::cout << "\n" << own;
    std::cout << "\n" << global_options();
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

// Global options that take a value: their values are not command words.
bool takes_value(const std::string& option) {
    static const std::vector<std::string> with_value{"--profile", "--profiles", "--server", "--server-name", "--certificate",
                                                     "--key",     "--ca",       "--crl",    "--actor",       "--actor-function"};
    return std::find(with_value.begin(), with_value.end(), option) != with_value.end();
}

// The command the arguments name (its words removed from `args`), or nullptr.
const Command* take_command(std::vector<std::string>& args) {
    std::vector<std::size_t> words;  // indices of the first two bare arguments
    for (std::size_t i = 0; i < args.size() && words.size() < 2; ++i) {
        if (args[i].rfind("-", 0) == 0) {
            if (takes_value(args[i])) ++i;
            continue;
        }
        words.push_back(i);
    }
    for (std::size_t n = words.size(); n >= 1; --n)
        for (const auto& c : all_commands()) {
            if (c.words.size() != n) continue;
            bool match = true;
            for (std::size_t k = 0; k < n; ++k) match = match && c.words[k] == args[words[k]];
            if (!match) continue;
            for (std::size_t k = n; k-- > 0;) args.erase(args.begin() + static_cast<std::ptrdiff_t>(words[k]));
            return &c;
        }
    return nullptr;
}

// "kamer meeting": the commands that start with that word.
std::string commands_starting_with(const std::string& word) {
    std::string list;
    for (const auto& c : all_commands())
        if (c.words.size() > 1 && c.words[0] == word) list += "\n  kamer " + name_of(c) + "  " + c.summary;
    return list;
}

std::string first_bare(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i].rfind("-", 0) != 0) return args[i];
        if (takes_value(args[i])) ++i;
    }
    return {};
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const Command* command = take_command(args);
    if (!command) {
        auto word = first_bare(args);
        bool help = std::find(args.begin(), args.end(), "--help") != args.end() ||
                    std::find(args.begin(), args.end(), "-h") != args.end();
        if (word.empty()) {
            print_overview(help ? std::cout : std::cerr);
            return help ? 0 : exit_usage;
        }
        if (auto list = commands_starting_with(word); !list.empty())
            throw UsageError("kamer " + word + " needs a subcommand:" + list);
        throw UsageError("unknown command '" + word + "' (kamer --help lists them)");
    }

    po::options_description own("Options of kamer " + name_of(*command));
    command->options(own);
    po::options_description all;
    all.add(own).add(global_options());
    po::positional_options_description positional;
    for (const auto& p : command->positional) positional.add(p.c_str(), 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args)
                      .options(all)
                      .positional(positional)
                      .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
                      .run(),
                  vm);
        if (vm["help"].as<bool>()) {
            print_help(*command, own);
            return 0;
        }
        po::notify(vm);
    } catch (const po::required_option& e) {
        auto option = e.get_option_name();
        auto bare = option.substr(option.find_first_not_of('-'));
        bool is_positional = std::find(command->positional.begin(), command->positional.end(), bare) != command->positional.end();
        throw UsageError("kamer " + name_of(*command) + " needs " + (is_positional ? upper(bare) : option) +
                         " (kamer " + name_of(*command) + " --help)");
    } catch (const po::error& e) {
        throw UsageError(std::string(e.what()) + " (kamer " + name_of(*command) + " --help)");
    }

    auto get = [&](const char* option) { return vm.count(option) ? vm[option].as<std::string>() : std::string(); };
    std::string profile_name = vm.count("profile") ? get("profile") : env("KAMER_PROFILE") ? env("KAMER_PROFILE") : "default";
    std::string profiles = vm.count("profiles") ? get("profiles") : env("KAMER_PROFILES") ? env("KAMER_PROFILES") : default_profiles_file();

    Profile settings;
    if (command->words[0] != "profile") {
        auto loaded = load_profile(profiles, profile_name);
        if (loaded) settings = *loaded;
        else if (vm.count("profile") || env("KAMER_PROFILE"))
            throw UsageError("no profile '" + profile_name + "' in " + profiles + " (kamer profile list)");
    }
    for (const auto& [option, key] : std::vector<std::pair<const char*, const char*>>{
             {"server", "server"}, {"server-name", "server_name"}, {"certificate", "certificate"}, {"key", "key"},
             {"ca", "ca"}, {"crl", "crl"}, {"actor", "actor"}, {"actor-function", "actor_function"}})
        if (vm.count(option)) settings[key] = get(option);

    Context context(settings, vm["json"].as<bool>(), profiles);
    command->run(context, vm);
    return 0;
}

std::string connect_hint(const ConnectError& e) {
    switch (e.close_code()) {
        case 4001: return "organisation not registered: ask the operator of this server";
        case 4002: return "your organisation is suspended on this server: ask its operator";
        case 4003: return "your certificate was revoked";
        case 4010: return "too many connections for your organisation: close other sessions";
        default: break;
    }
    if (e.stage() == "tcp") return "is the server running, and is --server right?";
    if (e.stage() == "tls")
        return "check --certificate, --key and --ca (the CA must have issued the server's certificate, and the "
               "server must trust your organisation's CA) and --server-name";
    return {};
}

}  // namespace

namespace kamer::cli {

const std::vector<Command>& all_commands() {
    static const std::vector<Command> commands = [] {
        std::vector<Command> c;
        add_setup_commands(c);
        add_room_commands(c);
        add_member_commands(c);
        add_meeting_commands(c);
        add_item_commands(c);
        add_plan_commands(c);
        add_reading_commands(c);
        add_accountability_commands(c);
        std::stable_sort(c.begin(), c.end(), [](const Command& a, const Command& b) {
            static const std::vector<std::string> order{group_setup, group_rooms,   group_meetings,      group_items,
                                                        group_plan,  group_reading, group_accountability};
            auto rank = [](const std::string& g) { return std::find(order.begin(), order.end(), g) - order.begin(); };
            return rank(a.group) < rank(b.group);
        });
        return c;
    }();
    return commands;
}

}  // namespace kamer::cli

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "kamer: " << e.what() << "\n";
        return exit_usage;
    } catch (const ConnectError& e) {
        std::cerr << "kamer: cannot connect: " << e.what();
        if (auto hint = connect_hint(e); !hint.empty()) std::cerr << "\n       " << hint;
        std::cerr << "\n";
        return exit_connection;
    } catch (const RequestError& e) {
        if (e.code() == ErrorCode::disconnected || e.code() == ErrorCode::timeout) {
            std::cerr << "kamer: connection lost (" << kamer::protocol::to_string(e.code()) << "): " << e.what() << "\n";
            return exit_connection;
        }
        std::cerr << "kamer: refused: " << kamer::protocol::to_string(e.code()) << ": " << e.what();
        if (!e.path().empty()) std::cerr << " (" << e.path() << ")";
        std::cerr << "\n";
        return exit_refused;
    } catch (const std::exception& e) {
        std::cerr << "kamer: " << e.what() << "\n";
        return exit_other;
    }
}
