// kamer: the command-line client for chairs, members, privacy officers and operators.
//
//   kamer [--profile NAME] [--json] COMMAND [SUBCOMMAND] [ARGUMENTS] [OPTIONS]
//
// Exit codes: 0 done, 1 other failure, 2 usage, 3 no connection (TLS or refused), 4 the
// server refused the request.
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "command.hpp"
#include "output.hpp"

namespace {

using namespace kamer::cli;
using kamer::client::ConnectError;
using kamer::client::RequestError;

// Options that every command takes, and the profile key each sets.
const std::vector<std::pair<std::string, std::string>> connection_flags{
    {"server", "server"}, {"server-name", "server_name"}, {"certificate", "certificate"}, {"key", "key"},
    {"ca", "ca"},         {"crl", "crl"},                 {"actor", "actor"},             {"actor-function", "actor_function"}};

std::string name_of(const Command& c) {
    std::string s;
    for (const auto& w : c.words) s += (s.empty() ? "" : " ") + w;
    return s;
}

std::string usage_of(const Command& c) {
    std::string s = "kamer " + name_of(c);
    for (const auto& p : c.params)
        if (p.positional) s += " " + p.name;
    for (const auto& p : c.params) {
        if (p.positional) continue;
        std::string flag = "--" + p.name + (p.kind == Kind::flag ? "" : " " + std::string(p.kind == Kind::integer ? "N" : "VALUE"));
        s += " " + (p.required ? flag : "[" + flag + "]");
    }
    return s;
}

void print_help(const Command& c) {
    std::string summary = c.summary;
    summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
    std::cout << "usage: " << usage_of(c) << "\n\n" << summary << ".\n";
    if (!c.details.empty()) std::cout << c.details << "\n";
    if (!c.params.empty()) {
        std::cout << "\n";
        Table t({"ARGUMENT", "MEANING"});
        for (const auto& p : c.params) {
            std::string meaning = p.help;
            if (!p.fallback.empty()) meaning += " (default " + p.fallback + ")";
            if (p.kind == Kind::list || p.kind == Kind::persons || p.kind == Kind::dates || p.kind == Kind::identified)
                if (meaning.find("repeatable") == std::string::npos) meaning += "; repeatable";
            t.add({p.positional ? p.name : "--" + p.name, meaning});
        }
        t.print(std::cout);
    }
    if (!c.request.empty()) std::cout << "\nSends `" << c.request << "` (protocol/PROTOCOL.md). --json prints the reply as JSON.\n";
}

void print_overview() {
    std::cout << "usage: kamer [--profile NAME] [--json] COMMAND [ARGUMENTS] [OPTIONS]\n"
                 "       kamer COMMAND --help\n\n"
                 "The command-line client of Kamer, for chairs, members, privacy officers and operators.\n";
    std::string group;
    for (const auto& c : commands()) {
        if (c.group != group) {
            group = c.group;
            std::cout << "\n" << group << ":\n";
        }
        std::string name = name_of(c);
        std::cout << "  " << name << std::string(name.size() < 22 ? 22 - name.size() : 1, ' ') << c.summary << "\n";
    }
    std::cout << "\nConnection (any command; a profile holds them so you need not type them):\n"
                 "  --profile NAME        the profile to use (KAMER_PROFILE; default: default)\n"
                 "  --profiles FILE       the profile file (KAMER_PROFILES; default: "
              << default_profiles_file()
              << ")\n"
                 "  --server HOST:PORT --server-name NAME --certificate FILE --key FILE --ca FILE --crl FILE\n"
                 "  --actor ID --actor-function FUNCTION\n"
                 "  --json                the reply as JSON, for scripts\n";
}

const Command* find_command(const std::vector<std::string>& words, std::size_t& used) {
    for (std::size_t n = std::min<std::size_t>(2, words.size()); n >= 1; --n)
        for (const auto& c : commands())
            if (c.words.size() == n && std::equal(c.words.begin(), c.words.end(), words.begin())) {
                used = n;
                return &c;
            }
    return nullptr;
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

std::string connect_hint(const ConnectError& e) {
    switch (e.close_code()) {
        case 4001: return "your organisation is not registered with this server: ask its operator";
        case 4002: return "your organisation is suspended on this server: ask its operator";
        case 4003: return "your certificate was revoked";
        default: break;
    }
    if (e.stage() == "tcp") return "is the server running, and is --server right?";
    if (e.stage() == "tls") return "check the certificate, key and CA bundle (and that the server trusts your CA)";
    return {};
}

int run(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    bool json = false, help = false;
    std::string profile_name = env("KAMER_PROFILE") ? env("KAMER_PROFILE") : "default";
    std::string profiles = env("KAMER_PROFILES") ? env("KAMER_PROFILES") : default_profiles_file();
    Profile flags;
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= args.size()) throw UsageError(a + " needs a value");
            return args[++i];
        };
        if (a == "--json") json = true;
        else if (a == "--help" || a == "-h") help = true;
        else if (a == "--profile") profile_name = value();
        else if (a == "--profiles") profiles = value();
        else {
            auto f = std::find_if(connection_flags.begin(), connection_flags.end(), [&](const auto& p) { return "--" + p.first == a; });
            if (f != connection_flags.end()) {
                // `profile add` takes these as its own options.
                if (!rest.empty() && rest[0] == "profile") rest.push_back(a), rest.push_back(value());
                else flags[f->second] = value();
            } else {
                rest.push_back(a);
            }
        }
    }
    std::vector<std::string> words;
    for (const auto& a : rest) {
        if (a.rfind("--", 0) == 0) break;
        words.push_back(a);
    }
    if (words.empty()) {
        print_overview();
        return help ? 0 : 2;
    }
    std::size_t used = 0;
    const Command* command = find_command(words, used);
    if (!command) throw UsageError("unknown command '" + words[0] + "' (kamer --help lists them)");
    if (help) {
        print_help(*command);
        return 0;
    }

    Invocation inv;
    std::vector<const Param*> positional;
    for (const auto& p : command->params)
        if (p.positional) positional.push_back(&p);
    std::size_t next_positional = 0;
    for (std::size_t i = used; i < rest.size(); ++i) {
        const auto& a = rest[i];
        if (a.rfind("--", 0) == 0) {
            auto name = a.substr(2);
            auto p = std::find_if(command->params.begin(), command->params.end(),
                                  [&](const Param& x) { return !x.positional && x.name == name; });
            if (p == command->params.end()) throw UsageError("kamer " + name_of(*command) + " has no option " + a);
            if (p->kind == Kind::flag) inv.values[name].push_back("yes");
            else if (i + 1 >= rest.size()) throw UsageError(a + " needs a value");
            else inv.values[name].push_back(rest[++i]);
        } else {
            if (next_positional >= positional.size()) throw UsageError("unexpected argument '" + a + "'");
            inv.values[positional[next_positional++]->name].push_back(a);
        }
    }
    for (const auto& p : command->params)
        if (p.required && !inv.has(p.name))
            throw UsageError("kamer " + name_of(*command) + " needs " + (p.positional ? p.name : "--" + p.name));

    Profile settings;
    if (command->words[0] != "profile") {
        auto loaded = load_profile(profiles, profile_name);
        if (!loaded && (env("KAMER_PROFILE") || std::find(args.begin(), args.end(), "--profile") != args.end()))
            throw UsageError("no profile '" + profile_name + "' in " + profiles);
        if (loaded) settings = *loaded;
    }
    for (const auto& [k, v] : flags) settings[k] = v;
    Context context(settings, json, profiles);
    if (command->run) {
        command->run(context, *command, inv);
    } else {
        auto reply = context.request(command->request, make_body(context, *command, inv));
        if (json) std::cout << boost::json::serialize(reply) << "\n";
        else render(context, command->request, reply);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::cerr << "kamer: " << e.what() << "\n";
        return 2;
    } catch (const ConnectError& e) {
        std::cerr << "kamer: cannot connect (" << e.what() << ")";
        if (auto hint = connect_hint(e); !hint.empty()) std::cerr << ": " << hint;
        std::cerr << "\n";
        return 3;
    } catch (const RequestError& e) {
        std::cerr << "kamer: refused: " << kamer::protocol::to_string(e.code()) << ": " << e.what();
        if (!e.path().empty()) std::cerr << " (" << e.path() << ")";
        std::cerr << "\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "kamer: " << e.what() << "\n";
        return 1;
    }
}
