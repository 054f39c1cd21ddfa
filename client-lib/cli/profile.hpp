#pragma once
// Profiles: named connection settings in an INI file, so that a chair types `kamer rooms`
// rather than certificate paths. Default file: ${XDG_CONFIG_HOME:-~/.config}/kamer/profiles.ini.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kamer::cli {

// Keys: server (host:port), server_name, certificate, key, ca, crl, actor, actor_function.
using Profile = std::map<std::string, std::string>;

std::string default_profiles_file();
const std::vector<std::string>& profile_keys();

// The profile `name` from `file`; nullopt when the file or the section does not exist.
// Throws std::runtime_error on a malformed file.
std::optional<Profile> load_profile(const std::string& file, const std::string& name);
std::vector<std::string> profile_names(const std::string& file);

// Adds or replaces one profile, keeping the others; the file is private to its owner (0600).
void save_profile(const std::string& file, const std::string& name, const Profile& profile);

}  // namespace kamer::cli
