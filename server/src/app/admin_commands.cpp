#include "app/admin_commands.hpp"

#include <boost/json.hpp>
#include <iostream>

#include "app/database_setup.hpp"
#include "audit/disclosure_log.hpp"
#include "policy/agreement.hpp"
#include "store/database.hpp"
#include "store/retention.hpp"

namespace kamer::server {
namespace json = boost::json;

namespace {

bool has(const std::vector<std::string>& args, const char* flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
}

}  // namespace

int run_audit_command(const Config& config, const std::vector<std::string>& args) {
    if (args.empty() || args[0] != "verify") {
        std::cerr << "usage: kamerd [options] audit verify [--json]\n";
        return 2;
    }
    DatabaseSetup database(config.database);
    database.open();
    auto c = store::connect(database.runtime_url());
    auto v = audit::verify(*c);
    if (has(args, "--json")) {
        json::object o{{"rows", v.rows},
                       {"records", v.records},
                       {"intact", v.intact},
                       {"head_hash", v.head_hash},
                       {"seconds", v.seconds},
                       {"records_per_second", v.seconds > 0 ? static_cast<double>(v.records) / v.seconds : 0.0}};
        if (v.first_broken) o["first_broken"] = *v.first_broken;
        if (!v.problem.empty()) o["problem"] = v.problem;
        std::cout << json::serialize(o) << "\n";
    } else if (v.intact) {
        std::cout << "disclosure log intact: " << v.rows << " rows, " << v.records << " records, verified in "
                  << v.seconds << " s\nhead hash " << v.head_hash << " (keep it outside the database to anchor the chain)\n";
    } else {
        std::cout << "disclosure log BROKEN at row " << *v.first_broken << ": " << v.problem << "\n";
    }
    return v.intact ? 0 : 1;
}

int run_retention_command(const Config& config, const std::vector<std::string>& args) {
    if (args.empty() || args[0] != "run") {
        std::cerr << "usage: kamerd [options] retention run [--dry-run] [--json]\n";
        return 2;
    }
    bool dry_run = has(args, "--dry-run");
    auto agreement = policy::Agreement::load(config.policy.agreement);
    DatabaseSetup database(config.database);
    database.open();
    auto c = store::connect(database.runtime_url());
    pqxx::work tx(*c);
    auto expired = store::expired_rooms(tx, *agreement);
    for (const auto& e : expired)
        if (!dry_run) store::purge_room(tx, e);
    tx.commit();
    if (has(args, "--json")) {
        json::array rooms;
        for (const auto& e : expired)
            rooms.push_back(json::object{{"room", e.public_id},
                                         {"kind", protocol::to_string(e.kind)},
                                         {"case_ref", e.case_ref},
                                         {"closed_at", e.closed_at},
                                         {"expired_on", e.expired_on}});
        std::cout << json::serialize(json::object{{"dry_run", dry_run}, {"rooms", rooms}}) << "\n";
        return 0;
    }
    std::cout << (dry_run ? "would purge " : "purged ") << expired.size() << " room(s)\n";
    for (const auto& e : expired)
        std::cout << "  " << e.public_id << "  " << protocol::to_string(e.kind) << "  " << e.case_ref << "  closed "
                  << e.closed_at << ", term ended " << e.expired_on << "\n";
    return 0;
}

}  // namespace kamer::server
