// For privacy officers and operators: the disclosure log, subject access reports, retention,
// the partner registry and the sharing agreement.
#include <boost/json.hpp>

#include "arguments.hpp"
#include "command.hpp"
#include "kamer/client/errors.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;
namespace json = boost::json;

// Exit code 1 without more to say: the output already told what is wrong.
struct AuditBroken : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void hint_privacy_officer(const client::RequestError& e, const char* what) {
    if (e.code() == ErrorCode::forbidden)
        std::cerr << "kamer: " << what << " are for privacy officers: use --actor-function privacy-officer "
                     "(or actor_function in the profile) with your own --actor\n";
}

void verify_audit(Context& context, const po::variables_map&) {
    AuditResult result;
    try {
        result = context.call(AuditVerify{});
    } catch (const client::RequestError& e) {
        hint_privacy_officer(e, "audit checks");
        throw;
    }
    if (context.json()) context.print_json(result);
    else if (result.intact)
        std::cout << "disclosure log intact: " << result.records.value << " records in " << result.rows.value
                  << " rows; head " << result.head_hash << "\n";
    else
        std::cout << "disclosure log BROKEN at row " << (result.first_broken ? result.first_broken->value : 0) << ": "
                  << result.problem.value_or("") << "\n";
    if (!result.intact) throw AuditBroken("the disclosure log's hash chain is broken");
}

void subject_report(Context& context, const po::variables_map& args) {
    SubjectReport request;
    if (auto v = optional_value(args, "bsn")) request.bsn = *v;
    if (auto v = optional_value(args, "room")) request.room = *v;
    if (auto v = optional_value(args, "person")) request.person = *v;
    if (!request.bsn && !(request.room && request.person))
        throw UsageError("give --bsn, or --room and --person");
    SubjectReportResult report;
    try {
        report = context.call(request);
    } catch (const client::RequestError& e) {
        hint_privacy_officer(e, "subject reports");
        throw;
    }
    if (context.json()) return context.print_json(report);
    std::cout << "Subject report produced " << local_time(report.produced_at) << ": " << report.items.size()
              << " items\n";
    for (const auto& item : report.items) {
        std::cout << "\n" << local_time(item.at) << "  " << item.case_ref << "  " << item.kind
                  << (item.category ? " (" + std::string(to_string(*item.category)) + ")" : "") << " by "
                  << item.author.name << (item.item ? "  item " + *item.item : "") << "\n";
        Table t({"  DISCLOSED TO", "ACTOR", "AT", "HOW", "VIEW", "BASIS"});
        for (const auto& d : item.disclosures)
            t.add({"  " + context.name_of(d.organisation), d.actor.value_or(""), local_time(d.at), d.how, d.view, d.basis});
        t.print(std::cout);
    }
}

void print_retention(const RetentionResult& result) {
    if (result.rooms.empty()) {
        std::cout << "no closed rooms past their retention term\n";
        return;
    }
    Table t({"ROOM", "KIND", "CASE", "CLOSED", "EXPIRED ON"});
    for (const auto& r : result.rooms)
        t.add({r.room, std::string(to_string(r.kind)), r.case_ref, local_time(r.closed_at), r.expired_on});
    t.print(std::cout);
}

void retention(Context& context, const po::variables_map& args) {
    auto listed = context.call(RetentionRun{true});
    if (!args["run"].as<bool>()) {
        if (context.json()) return context.print_json(listed);
        print_retention(listed);
        if (!listed.rooms.empty()) std::cout << "(a dry run: kamer retention --run removes their content)\n";
        return;
    }
    if (!args["yes"].as<bool>()) {
        print_retention(listed);
        if (listed.rooms.empty()) return;
        std::cout << "Remove the content of these " << listed.rooms.size() << " room(s)? This cannot be undone. [y/N] "
                  << std::flush;
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "yes") {
            std::cout << "nothing removed\n";
            return;
        }
    }
    auto done = context.call(RetentionRun{false});
    if (context.json()) return context.print_json(done);
    std::cout << "content removed of " << done.rooms.size() << " room(s)\n";
    print_retention(done);
}

void registry(Context& context, const po::variables_map&) {
    auto partners = context.call(RegistryList{});
    if (context.json()) return context.print_json(partners);
    Table t({"ORGANISATION", "SECTOR", "OIN", "STATUS"});
    for (const auto& p : partners.organisations)
        t.add({p.name, std::string(to_string(p.sector)), p.oin, std::string(to_string(p.status))});
    t.print(std::cout);
}

std::string names(const json::value* list) {
    if (!list) return "";
    if (list->is_string()) return std::string(list->get_string());
    std::string s;
    if (list->is_array())
        for (const auto& v : list->get_array())
            if (v.is_string()) s += (s.empty() ? "" : ", ") + std::string(v.get_string());
    return s;
}

bool lists(const json::value* list, std::string_view name) {
    if (!list) return false;
    if (list->is_string()) return list->get_string() == "all";
    if (!list->is_array()) return false;
    for (const auto& v : list->get_array())
        if (v.is_string() && v.get_string() == name) return true;
    return false;
}

// The agreement per kind of table: which categories each sector receives, and which roles
// receive a category whatever their sector.
void agreement(Context& context, const po::variables_map&) {
    auto doc = context.call(AgreementGet{});
    if (context.json()) return context.print_json(doc);
    std::cout << "Sharing agreement version " << doc.version << "\n";
    const auto* kinds = doc.document.if_contains("kinds");
    if (!kinds || !kinds->is_object()) return;
    for (const auto& [kind, spec] : kinds->get_object()) {
        const auto* categories = spec.is_object() ? spec.get_object().if_contains("categories") : nullptr;
        if (!categories || !categories->is_object()) continue;
        std::cout << "\n" << std::string(kind) << " (chaired by " << names(spec.get_object().if_contains("chair_sectors"))
                  << ")\n";
        Table t({"  SECTOR", "RECEIVES"});
        for (auto sector : EnumNames<Sector>::names) {
            std::string received;
            for (const auto& [category, rule] : categories->get_object())
                if (rule.is_object() && lists(rule.get_object().if_contains("sectors"), sector))
                    received += (received.empty() ? "" : ", ") + std::string(category);
            t.add({"  " + std::string(sector), received.empty() ? "-" : received});
        }
        for (auto role : {"chair", "regisseur"}) {
            std::string received;
            for (const auto& [category, rule] : categories->get_object())
                if (rule.is_object() && lists(rule.get_object().if_contains("roles"), role))
                    received += (received.empty() ? "" : ", ") + std::string(category);
            t.add({std::string("  (role ") + role + ")", received.empty() ? "-" : received});
        }
        t.print(std::cout);
    }
}

}  // namespace

void add_accountability_commands(std::vector<Command>& commands) {
    commands.push_back({{"audit", "verify"}, group_accountability, "verify the disclosure log's hash chain", {},
                        [](po::options_description&) {}, verify_audit,
                        "Exits with 1 when the chain is broken."});
    commands.push_back({{"subject-report"}, group_accountability,
                        "what was recorded about a person and who received it (AVG art. 15)", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("bsn", po::value<std::string>(), "the person's BSN (every room where it is identified)")
                                ("room", po::value<std::string>(), "or: a room ...")
                                ("person", po::value<std::string>(), "... and the person's ref in it");
                        },
                        subject_report, "Needs the actor function privacy-officer (--actor-function or the profile)."});
    commands.push_back({{"retention"}, group_accountability,
                        "closed rooms past their retention term (a dry run unless --run)", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("run", po::bool_switch(), "remove their content now")
                                ("yes", po::bool_switch(), "do not ask for confirmation");
                        },
                        retention, "Operator organisations only."});
    commands.push_back({{"registry"}, group_accountability, "the partner registry: organisations and their OINs", {},
                        [](po::options_description&) {}, registry});
    commands.push_back({{"agreement"}, group_accountability,
                        "the sharing agreement in force: its version and what each sector receives", {},
                        [](po::options_description&) {}, agreement});
}

}  // namespace kamer::cli
