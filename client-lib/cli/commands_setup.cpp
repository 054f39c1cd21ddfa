// Profiles: saving connection settings under a name, and listing them.
#include <filesystem>

#include "arguments.hpp"
#include "command.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

// The connection options (global options of every command) and the profile key each sets.
const std::vector<std::pair<std::string, std::string>> settings_by_option{
    {"server", "server"}, {"server-name", "server_name"}, {"certificate", "certificate"}, {"key", "key"},
    {"ca", "ca"},         {"crl", "crl"},                 {"actor", "actor"},             {"actor-function", "actor_function"}};

void add_profile(Context& context, const po::variables_map& args) {
    Profile profile{{"server", "127.0.0.1:8443"}, {"server_name", "localhost"}};
    for (const auto& [option, key] : settings_by_option)
        if (auto v = optional_value(args, option)) profile[key] = *v;
    for (const char* required : {"certificate", "key", "ca"}) {
        if (!profile.count(required)) throw UsageError(std::string("kamer profile add needs --") + required);
        // Absolute, so the profile works from any directory; the file must exist now.
        auto path = std::filesystem::absolute(profile[required]);
        if (!std::filesystem::is_regular_file(path)) throw UsageError("--" + std::string(required) + ": no file " + path.string());
        profile[required] = path.string();
    }
    if (profile.count("crl")) profile["crl"] = std::filesystem::absolute(profile["crl"]).string();
    auto name = value_of(args, "name");
    save_profile(context.profiles_file(), name, profile);
    if (context.json()) {
        std::cout << boost::json::serialize(boost::json::object{{"profile", name}, {"file", context.profiles_file()}}) << "\n";
        return;
    }
    std::cout << "profile " << name << " saved in " << context.profiles_file() << "\n";
}

void list_profiles(Context& context, const po::variables_map&) {
    auto names = profile_names(context.profiles_file());
    if (context.json()) {
        boost::json::array all;
        for (const auto& n : names) {
            auto p = *load_profile(context.profiles_file(), n);
            boost::json::object o{{"name", n}};
            for (const auto& [key, value] : p)
                if (key != "key") o[key] = value;  // where the key is, is not for scripts to pass around
            all.push_back(std::move(o));
        }
        std::cout << boost::json::serialize(all) << "\n";
        return;
    }
    if (names.empty()) {
        std::cout << "no profiles in " << context.profiles_file() << " (kamer profile add NAME ...)\n";
        return;
    }
    Table t({"PROFILE", "SERVER", "CERTIFICATE", "ACTOR"});
    for (const auto& n : names) {
        auto p = *load_profile(context.profiles_file(), n);
        auto actor = p["actor"] + (p["actor_function"].empty() ? "" : " (" + p["actor_function"] + ")");
        t.add({n, p["server"], p["certificate"], actor});
    }
    t.print(std::cout);
}

}  // namespace

void add_setup_commands(std::vector<Command>& commands) {
    commands.push_back({{"profile", "add"}, group_setup, "save connection settings under a name", {"name"},
                        [](po::options_description& o) {
                            o.add_options()("name", po::value<std::string>()->required(), "the profile's name");
                        },
                        add_profile,
                        "Takes the connection options below (--server, --server-name, --certificate, --key, --ca,\n"
                        "--crl, --actor, --actor-function); --certificate, --key and --ca are required. The file\n"
                        "is readable by you only (0600)."});
    commands.push_back({{"profile", "list"}, group_setup, "list the saved profiles", {},
                        [](po::options_description&) {}, list_profiles});
}

}  // namespace kamer::cli
