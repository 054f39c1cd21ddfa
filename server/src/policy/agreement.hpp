#pragma once
// The sharing agreement (convenant): per room kind, which member may receive which data
// category — by its sector or by its role at the table — plus the other rules a table kind
// has (who may chair it, whether real identifiers may be recorded, the retention term).
// It is data: loaded from a JSON file (server/config/convenant.json by default), versioned,
// and shown to members on request. need_to_know.cpp is the only reader of its rules.
#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "kamer/protocol/vocabulary.hpp"

namespace kamer::server::policy {

constexpr std::size_t sector_count = protocol::EnumNames<protocol::Sector>::names.size();
constexpr std::size_t category_count = protocol::EnumNames<protocol::Category>::names.size();
constexpr std::size_t kind_count = protocol::EnumNames<protocol::RoomKind>::names.size();

// Roles a rule can name: the member's role, plus "regisseur" for the designated case director.
enum class RuleRole { chair, regisseur, participant, adviser };
constexpr std::size_t rule_role_count = 4;

struct CategoryRule {
    std::bitset<sector_count> sectors;
    std::bitset<rule_role_count> roles;
};

struct KindRules {
    std::array<CategoryRule, category_count> categories;
    std::bitset<sector_count> chair_sectors;  // who may open and chair a room of this kind
    bool identifiers = false;                 // may real identifiers of persons be recorded
    unsigned retention_days = 0;              // content kept this long after closing
};

class Agreement {
public:
    // Parses and checks an agreement document; throws std::runtime_error saying what is wrong.
    static std::shared_ptr<const Agreement> parse(std::string_view json_text);
    static std::shared_ptr<const Agreement> load(const std::string& path);

    const std::string& version() const { return version_; }
    const KindRules& rules(protocol::RoomKind kind) const { return kinds_[static_cast<std::size_t>(kind)]; }
    // The document as loaded, for members who ask (agreement.get).
    const boost::json::object& document() const { return document_; }

private:
    std::string version_;
    std::array<KindRules, kind_count> kinds_{};
    boost::json::object document_;
};

}  // namespace kamer::server::policy
