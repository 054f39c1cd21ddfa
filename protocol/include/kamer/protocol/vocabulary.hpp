#pragma once
// The fixed vocabulary of Kamer: sectors of partner organisations, room kinds, roles, room
// lifecycle states and data categories. Wire names are in the tables below (PROTOCOL.md).
#include <array>
#include <string_view>

#include "kamer/protocol/fields.hpp"

namespace kamer::protocol {

enum class Sector {
    politie,
    om,
    reclassering,
    gi,
    ggz,
    veilig_thuis,
    gemeente,
    lokaal_team,
    zvh,
    vrouwenopvang,
    rvdk,
};
template <>
struct EnumNames<Sector> {
    static constexpr std::array<std::string_view, 11> names{
        "politie", "om",         "reclassering", "gi",  "ggz",           "veilig-thuis",
        "gemeente", "lokaal-team", "zvh",        "vrouwenopvang", "rvdk"};
};

enum class OrganisationStatus { active, suspended };
template <>
struct EnumNames<OrganisationStatus> {
    static constexpr std::array<std::string_view, 2> names{"active", "suspended"};
};

enum class RoomKind { lokale_kamer, mda, vt_advies };
template <>
struct EnumNames<RoomKind> {
    static constexpr std::array<std::string_view, 3> names{"lokale-kamer", "mda++", "vt-advies"};
};

enum class Role { chair, regisseur, participant, adviser };
template <>
struct EnumNames<Role> {
    static constexpr std::array<std::string_view, 4> names{"chair", "regisseur", "participant", "adviser"};
};

enum class RoomState { referred, preparation, in_consultation, monitoring, closed };
template <>
struct EnumNames<RoomState> {
    static constexpr std::array<std::string_view, 5> names{"referred", "preparation", "in-consultation",
                                                          "monitoring", "closed"};
};

// Data categories of case information. health = AVG art. 9, justice = AVG art. 10.
enum class Category { general, health, justice, youth_protection, veilig_thuis_report, financial };
template <>
struct EnumNames<Category> {
    static constexpr std::array<std::string_view, 6> names{
        "general", "health", "justice", "youth-protection", "veilig-thuis-report", "financial"};
};

}  // namespace kamer::protocol
