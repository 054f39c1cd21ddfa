#include "policy/agreement.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kamer::server::policy {
namespace json = boost::json;
namespace {

[[noreturn]] void bad(const std::string& where, const std::string& what) {
    throw std::runtime_error("agreement: " + where + ": " + what);
}

std::bitset<sector_count> sectors_of(const json::value& v, const std::string& where) {
    std::bitset<sector_count> out;
    if (v.is_string() && v.get_string() == "all") return out.set();
    if (!v.is_array()) bad(where, "must be \"all\" or a list of sectors");
    for (const auto& s : v.get_array()) {
        protocol::Sector sector{};
        if (!s.is_string() || !protocol::from_string(std::string_view(s.get_string()), sector))
            bad(where, "unknown sector " + json::serialize(s));
        out.set(static_cast<std::size_t>(sector));
    }
    return out;
}

std::bitset<rule_role_count> roles_of(const json::value& v, const std::string& where) {
    static constexpr std::array<std::string_view, rule_role_count> names{"chair", "regisseur", "participant",
                                                                         "adviser"};
    std::bitset<rule_role_count> out;
    if (!v.is_array()) bad(where, "must be a list of roles");
    for (const auto& r : v.get_array()) {
        auto it = r.is_string() ? std::find(names.begin(), names.end(), std::string_view(r.get_string())) : names.end();
        if (it == names.end()) bad(where, "unknown role " + json::serialize(r));
        out.set(static_cast<std::size_t>(it - names.begin()));
    }
    return out;
}

void check_keys(const json::object& o, std::initializer_list<std::string_view> allowed, const std::string& where) {
    for (const auto& kv : o)
        if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end())
            bad(where, "unknown key '" + std::string(kv.key()) + "'");
}

}  // namespace

std::shared_ptr<const Agreement> Agreement::parse(std::string_view text) {
    json::error_code ec;
    auto root = json::parse(text, ec);
    if (ec) bad("document", "not valid JSON: " + ec.message());
    if (!root.is_object()) bad("document", "must be an object");
    auto a = std::make_shared<Agreement>();
    a->document_ = root.get_object();
    const auto& doc = a->document_;
    check_keys(doc, {"version", "description", "kinds"}, "document");
    if (!doc.contains("version") || !doc.at("version").is_string() || doc.at("version").get_string().empty())
        bad("version", "required, a non-empty string");
    a->version_ = std::string(doc.at("version").get_string());
    if (!doc.contains("kinds") || !doc.at("kinds").is_object()) bad("kinds", "required, an object");
    const auto& kinds = doc.at("kinds").get_object();
    for (std::size_t k = 0; k < kind_count; ++k) {
        auto kind_name = std::string(protocol::EnumNames<protocol::RoomKind>::names[k]);
        const std::string where = "kinds." + kind_name;
        auto it = kinds.find(kind_name);
        if (it == kinds.end() || !it->value().is_object()) bad(where, "required for every room kind");
        const auto& ko = it->value().get_object();
        check_keys(ko, {"description", "chair_sectors", "identifiers", "retention_days", "categories"}, where);
        auto& rules = a->kinds_[k];
        if (!ko.contains("chair_sectors")) bad(where + ".chair_sectors", "required");
        rules.chair_sectors = sectors_of(ko.at("chair_sectors"), where + ".chair_sectors");
        if (!ko.contains("identifiers") || !ko.at("identifiers").is_bool()) bad(where + ".identifiers", "required, true or false");
        rules.identifiers = ko.at("identifiers").get_bool();
        if (!ko.contains("retention_days") || !ko.at("retention_days").is_int64() ||
            ko.at("retention_days").get_int64() < 1 || ko.at("retention_days").get_int64() > 36500)
            bad(where + ".retention_days", "required, a number of days from 1 to 36500");
        rules.retention_days = static_cast<unsigned>(ko.at("retention_days").get_int64());
        if (!ko.contains("categories") || !ko.at("categories").is_object()) bad(where + ".categories", "required");
        const auto& cats = ko.at("categories").get_object();
        for (const auto& kv : cats) {
            protocol::Category c{};
            if (!protocol::from_string(std::string_view(kv.key()), c)) bad(where + ".categories", "unknown category '" + std::string(kv.key()) + "'");
        }
        for (std::size_t c = 0; c < category_count; ++c) {
            auto cat_name = std::string(protocol::EnumNames<protocol::Category>::names[c]);
            const std::string cw = where + ".categories." + cat_name;
            auto ci = cats.find(cat_name);
            // Fail closed: a category the agreement does not mention goes to no one but its author.
            if (ci == cats.end()) continue;
            if (!ci->value().is_object()) bad(cw, "must be an object");
            const auto& co = ci->value().get_object();
            check_keys(co, {"sectors", "roles", "why"}, cw);
            if (co.contains("sectors")) rules.categories[c].sectors = sectors_of(co.at("sectors"), cw + ".sectors");
            if (co.contains("roles")) rules.categories[c].roles = roles_of(co.at("roles"), cw + ".roles");
        }
    }
    return a;
}

std::shared_ptr<const Agreement> Agreement::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("agreement: cannot read '" + path + "'");
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str());
}

}  // namespace kamer::server::policy
