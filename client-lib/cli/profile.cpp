#include "profile.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace kamer::cli {
namespace {

using Sections = std::vector<std::pair<std::string, Profile>>;  // in file order

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Sections read_sections(const std::string& file) {
    Sections out;
    std::ifstream in(file);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            out.emplace_back(trim(line.substr(1, line.size() - 2)), Profile{});
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string::npos || out.empty())
            throw std::runtime_error(file + ":" + std::to_string(number) + ": expected [profile] or key = value");
        auto key = trim(line.substr(0, eq));
        if (std::find(profile_keys().begin(), profile_keys().end(), key) == profile_keys().end())
            throw std::runtime_error(file + ":" + std::to_string(number) + ": unknown key '" + key + "'");
        out.back().second[key] = trim(line.substr(eq + 1));
    }
    return out;
}

}  // namespace

std::string default_profiles_file() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return std::string(xdg) + "/kamer/profiles.ini";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/kamer/profiles.ini";
}

const std::vector<std::string>& profile_keys() {
    static const std::vector<std::string> keys{"server", "server_name", "certificate", "key",
                                               "ca",     "crl",         "actor",       "actor_function"};
    return keys;
}

std::optional<Profile> load_profile(const std::string& file, const std::string& name) {
    for (auto& [section, profile] : read_sections(file))
        if (section == name) return profile;
    return std::nullopt;
}

std::vector<std::string> profile_names(const std::string& file) {
    std::vector<std::string> out;
    for (const auto& [section, profile] : read_sections(file)) out.push_back(section);
    return out;
}

void save_profile(const std::string& file, const std::string& name, const Profile& profile) {
    auto sections = read_sections(file);
    auto it = std::find_if(sections.begin(), sections.end(), [&](const auto& s) { return s.first == name; });
    if (it == sections.end()) sections.emplace_back(name, profile);
    else it->second = profile;
    auto dir = std::filesystem::path(file).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    std::string temp = file + ".new";
    {
        std::ofstream out(temp, std::ios::trunc);
        ::chmod(temp.c_str(), 0600);
        out << "# kamer profiles: kamer profile add NAME ... writes this file\n";
        for (const auto& [section, values] : sections) {
            out << "\n[" << section << "]\n";
            for (const auto& key : profile_keys())
                if (auto v = values.find(key); v != values.end() && !v->second.empty()) out << key << " = " << v->second << "\n";
        }
        if (!out) throw std::runtime_error("cannot write " + temp);
    }
    std::filesystem::rename(temp, file);
}

}  // namespace kamer::cli
