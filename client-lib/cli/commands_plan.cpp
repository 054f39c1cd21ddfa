// Following a case up: the safety plan, the explanatory analysis, decisions and checkpoints
// across rooms.
#include "arguments.hpp"
#include "command.hpp"
#include "entries.hpp"
#include "kamer/client/errors.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void room_option(po::options_description& o) {
    o.add_options()("room", po::value<std::string>()->required(), "the room's id");
}

std::string checkpoint_text(const CheckpointState& c) {
    return c.date + " " + std::string(to_string(c.status));
}

void show_plan(Context& context, const po::variables_map& args) {
    auto plan = context.call(PlanGet{value_of(args, "room")});
    if (context.json()) return context.print_json(plan);
    std::cout << "Safety plan: " << plan.on_track.value << " on track, " << plan.attention.value << " need attention, "
              << plan.broken.value << " broken";
    if (plan.next_checkpoint) std::cout << "; next checkpoint " << *plan.next_checkpoint;
    std::cout << "\n";
    if (plan.agreements.empty()) {
        std::cout << "no agreements yet (kamer plan add)\n";
        return;
    }
    std::cout << "\n";
    Table t({"STATUS", "AGREEMENT", "OWNER", "CATEGORY", "CHECKPOINTS", "TEXT"});
    for (const auto& a : plan.agreements) {
        std::string checkpoints;
        for (const auto& c : a.checkpoints) checkpoints += (checkpoints.empty() ? "" : ", ") + checkpoint_text(c);
        t.add({std::string(to_string(a.status)), a.agreement, a.owner.name, std::string(to_string(a.category)),
               checkpoints, clip(a.text, 50)});
    }
    t.print(std::cout);
}

void add_agreement(Context& context, const po::variables_map& args) {
    PlanAgreementAdd request;
    request.room = value_of(args, "room");
    request.text = text_or_file(args);
    request.owner = context.resolve_organisation(value_of(args, "owner"));
    for (const auto& d : values_of(args, "checkpoint")) request.checkpoints.emplace_back(d);
    request.category = parse_enum<Category>("category", value_of(args, "category"));
    request.audience = parse_audience(context, value_of(args, "audience"));
    request.persons = person_refs(args);
    print_done(context, context.call(request), "safety-plan agreement added");
}

void report_checkpoint(Context& context, const po::variables_map& args) {
    CheckpointReport request{value_of(args, "room"), value_of(args, "agreement"), value_of(args, "checkpoint"),
                             parse_yes_no("held", value_of(args, "held"))};
    if (auto note = optional_value(args, "note")) request.note = *note;
    print_done(context, context.call(request), request.held ? "checkpoint reported: held" : "checkpoint reported: not held");
}

// The latest analysis version this organisation sees, from the room's history.
std::optional<Entry> latest_analysis(Context& context, const std::string& room) {
    History request{room};
    std::optional<Entry> latest;
    for (;;) {
        auto page = context.call(request);
        for (const auto& e : page.events)
            if (e.entry.kind == "analysis.edited") latest = e.entry;
        if (!page.next) return latest;
        request.after = page.next;
    }
}

void show_analysis(Context& context, const po::variables_map& args) {
    auto latest = latest_analysis(context, value_of(args, "room"));
    if (context.json()) {
        std::cout << (latest ? boost::json::serialize(encode_value(*latest)) : "{}") << "\n";
        return;
    }
    if (!latest) {
        std::cout << "no analysis yet (kamer analysis edit ROOM --text ...)\n";
        return;
    }
    auto text = latest->data.if_contains("text");
    std::cout << "Analysis, version " << (latest->version ? latest->version->value : 0) << ", by " << latest->author.name
              << " at " << local_time(latest->at) << "\n\n"
              << (text && text->is_string() ? std::string(text->get_string()) : "(content removed)") << "\n";
}

void edit_analysis(Context& context, const po::variables_map& args) {
    // The edit builds on the latest version this organisation sees, so the chair need not
    // type it; someone who edited in between makes the server refuse, nothing is overwritten.
    AnalysisEdit request;
    request.room = value_of(args, "room");
    request.text = text_or_file(args);
    request.persons = person_refs(args);
    request.base_version = context.call(RoomGet{request.room}).analysis_version;
    try {
        print_done(context, context.call(request), "analysis saved");
    } catch (const client::RequestError& e) {
        if (e.code() == ErrorCode::stale_version)
            std::cerr << "kamer: someone saved a newer version of the analysis just now; read it with "
                         "`kamer analysis show "
                      << request.room << "` and edit again\n";
        throw;
    }
}

void list_decisions(Context& context, const po::variables_map& args) {
    DecisionList request;
    if (auto status = optional_value(args, "status")) request.status = parse_enum<DecisionStatus>("status", *status);
    if (args["owned"].as<bool>()) request.owned = true;
    DecisionPage all;
    for (;;) {
        auto page = context.call(request);
        all.decisions.insert(all.decisions.end(), page.decisions.begin(), page.decisions.end());
        if (!page.next) break;
        request.page = Page{page.next, std::nullopt};
    }
    if (context.json()) return context.print_json(all);
    if (all.decisions.empty()) {
        std::cout << "no decisions\n";
        return;
    }
    Table t({"DUE", "STATUS", "CASE", "OWNER", "DECISION", "TEXT"});
    for (const auto& d : all.decisions)
        t.add({d.due, std::string(to_string(d.status)), d.case_ref, d.owner.name, d.decision, clip(d.text, 50)});
    t.print(std::cout);
}

void list_checkpoints(Context& context, const po::variables_map& args) {
    CheckpointsDue request;
    if (auto v = optional_value(args, "from")) request.from = *v;
    if (auto v = optional_value(args, "to")) request.to = *v;
    CheckpointPage all;
    for (;;) {
        auto page = context.call(request);
        all.checkpoints.insert(all.checkpoints.end(), page.checkpoints.begin(), page.checkpoints.end());
        if (!page.next) break;
        request.page = Page{page.next, std::nullopt};
    }
    if (context.json()) return context.print_json(all);
    if (all.checkpoints.empty()) {
        std::cout << "no checkpoints due\n";
        return;
    }
    Table t({"DATE", "STATUS", "CASE", "OWNER", "AGREEMENT", "TEXT"});
    for (const auto& c : all.checkpoints)
        t.add({c.date, std::string(to_string(c.status)), c.case_ref, c.owner.name, c.agreement, clip(c.text, 50)});
    t.print(std::cout);
}

}  // namespace

void add_plan_commands(std::vector<Command>& commands) {
    commands.push_back({{"plan", "show"}, group_plan, "the safety plan at a glance", {"room"}, room_option, show_plan});
    commands.push_back({{"plan", "add"}, group_plan, "add a safety-plan agreement with checkpoints", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            add_text_options(o, "the agreement");
                            o.add_options()
                                ("owner", po::value<std::string>()->required(), "who answers for it (OIN or name)")
                                ("checkpoint", po::value<std::vector<std::string>>()->required(),
                                 "a monitoring date YYYY-MM-DD (repeatable)")
                                ("category", po::value<std::string>()->default_value("general"), "its category")
                                ("audience", po::value<std::string>()->default_value("all"),
                                 "all, or organisations separated by commas")
                                ("person", po::value<std::vector<std::string>>(), "the ref of a person it concerns (repeatable)");
                        },
                        add_agreement});
    commands.push_back({{"plan", "report"}, group_plan, "report whether an agreement held at a checkpoint", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("agreement", po::value<std::string>()->required(), "the agreement's item id")
                                ("checkpoint", po::value<std::string>()->required(), "the checkpoint's date, YYYY-MM-DD")
                                ("held", po::value<std::string>()->required(), "yes or no")
                                ("note", po::value<std::string>(), "a note");
                        },
                        report_checkpoint});
    commands.push_back({{"analysis", "show"}, group_plan, "the explanatory analysis (verklarende analyse)", {"room"},
                        room_option, show_analysis});
    commands.push_back({{"analysis", "edit"}, group_plan, "save the next version of the analysis", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            add_text_options(o, "the whole new text");
                            o.add_options()("person", po::value<std::vector<std::string>>(),
                                            "the ref of a person it concerns (repeatable)");
                        },
                        edit_analysis,
                        "The version it builds on is read from the room first; when someone saved in between,\n"
                        "the server refuses (stale_version) and nothing is overwritten."});
    commands.push_back({{"decisions"}, group_plan, "decisions in all my rooms (open and overdue by default)", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("status", po::value<std::string>(), "open, overdue or done")
                                ("owned", po::bool_switch(), "only those my organisation owns");
                        },
                        list_decisions});
    commands.push_back({{"checkpoints"}, group_plan, "safety-plan checkpoints due (this week by default)", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("from", po::value<std::string>(), "YYYY-MM-DD")
                                ("to", po::value<std::string>(), "YYYY-MM-DD");
                        },
                        list_checkpoints});
}

}  // namespace kamer::cli
