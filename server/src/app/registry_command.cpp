#include "app/registry_command.hpp"

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <iostream>

#include "app/database_setup.hpp"
#include "kamer/protocol/fields.hpp"
#include "store/database.hpp"
#include "store/registry_store.hpp"

namespace kamer::server {
namespace po = boost::program_options;

namespace {

constexpr const char* usage =
    "usage: kamerd [options] registry <command>\n\n"
    "  list [--json]                                  list registered organisations\n"
    "  add --oin OIN --name NAME --sector SECTOR [--operator]\n"
    "                                                 register (or rename) an organisation; --operator lets\n"
    "                                                 it administer the registry and retention remotely\n"
    "  suspend --oin OIN                              refuse its connections from now on\n"
    "  activate --oin OIN                             accept its connections again\n"
    "  import --file FILE                             add or rename every organisation in a TSV file\n"
    "                                                 (header line, then: slug oin sector name)\n\n"
    "sectors: politie om reclassering gi ggz veilig-thuis gemeente lokaal-team zvh vrouwenopvang rvdk\n";

int list(pqxx::connection& c, bool json) {
    auto orgs = store::load_organisations(c);
    if (json) {
        boost::json::array out;
        for (const auto& o : orgs)
            out.push_back({{"oin", o.oin},
                           {"name", o.name},
                           {"sector", protocol::to_string(o.sector)},
                           {"status", protocol::to_string(o.status)},
                           {"operator", o.operator_role}});
        std::cout << boost::json::serialize(out) << "\n";
        return 0;
    }
    std::cout << std::left << std::setw(22) << "OIN" << std::setw(14) << "SECTOR" << std::setw(11) << "STATUS"
              << "NAME\n";
    for (const auto& o : orgs)
        std::cout << std::setw(22) << o.oin << std::setw(14) << protocol::to_string(o.sector) << std::setw(11)
                  << protocol::to_string(o.status) << o.name << (o.operator_role ? "  (operator)" : "") << "\n";
    return 0;
}

int import(pqxx::connection& c, const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "kamerd registry import: cannot read " << path << "\n";
        return 1;
    }
    std::string line;
    std::getline(in, line);  // header
    int line_no = 1, count = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (line.empty()) continue;
        std::istringstream row(line);
        std::string slug, oin, sector_name, name;
        std::getline(row, slug, '\t');
        std::getline(row, oin, '\t');
        std::getline(row, sector_name, '\t');
        std::getline(row, name);
        protocol::Sector sector{};
        if (!protocol::tags::Oin::valid(oin) || !protocol::from_string(sector_name, sector) || name.empty() ||
            name.size() > 200 || !protocol::tags::Name::valid(name)) {
            std::cerr << path << ":" << line_no << ": expected slug, 20-digit OIN, sector and name\n";
            return 1;
        }
        store::upsert_organisation(c, oin, name, sector);
        ++count;
    }
    std::cout << "imported " << count << " organisations\n";
    return 0;
}

}  // namespace

int run_registry_command(const Config& config, const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << usage;
        return args.empty() ? 2 : 0;
    }
    const std::string& command = args[0];
    std::string oin, name, sector_name, file;
    bool json = false, operator_role = false;
    po::options_description desc;
    desc.add_options()("oin", po::value(&oin))("name", po::value(&name))("sector", po::value(&sector_name))("file", po::value(&file))(
        "json", po::bool_switch(&json))("operator", po::bool_switch(&operator_role))("help,h", "");
    po::variables_map vm;
    try {
        std::vector<std::string> rest(args.begin() + 1, args.end());
        po::store(po::command_line_parser(rest).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "kamerd registry " << command << ": " << e.what() << "\n" << usage;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << usage;
        return 0;
    }
    auto need_oin = [&] {
        if (!protocol::tags::Oin::valid(oin)) {
            std::cerr << "kamerd registry " << command << ": --oin must be exactly 20 digits\n";
            return false;
        }
        return true;
    };
    protocol::Sector sector{};
    if (command == "add") {
        if (!need_oin()) return 2;
        if (name.empty() || name.size() > 200 || !protocol::tags::Name::valid(name)) {
            std::cerr << "kamerd registry add: --name is required (1 to 200 characters)\n";
            return 2;
        }
        if (!protocol::from_string(sector_name, sector)) {
            std::cerr << "kamerd registry add: --sector '" << sector_name << "' is not a sector\n" << usage;
            return 2;
        }
    } else if (command == "suspend" || command == "activate") {
        if (!need_oin()) return 2;
    } else if (command == "import") {
        if (file.empty()) {
            std::cerr << "kamerd registry import: --file is required\n";
            return 2;
        }
    } else if (command != "list") {
        std::cerr << "kamerd registry: unknown command '" << command << "'\n" << usage;
        return 2;
    }

    DatabaseSetup database(config.database);
    database.open();
    auto c = store::connect(database.owner_url());
    if (command == "list") return list(*c, json);
    if (command == "import") return import(*c, file);
    if (command == "add") {
        bool added = store::upsert_organisation(*c, oin, name, sector);
        if (operator_role) store::set_operator(*c, oin, true);
        std::cout << (added ? "added " : "updated ") << oin << " (" << sector_name << ") " << name << "\n";
        return 0;
    }
    auto status = command == "suspend" ? protocol::OrganisationStatus::suspended : protocol::OrganisationStatus::active;
    if (!store::set_organisation_status(*c, oin, status)) {
        std::cerr << "kamerd registry " << command << ": " << oin << " is not registered\n";
        return 1;
    }
    std::cout << oin << " is now " << protocol::to_string(status) << "\n";
    return 0;
}

}  // namespace kamer::server
