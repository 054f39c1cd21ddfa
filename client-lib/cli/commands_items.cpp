// Case information: contributions, decisions, corrections and redactions, access to items
// known only by their signal, and Veilig Thuis advice.
#include <sstream>

#include "arguments.hpp"
#include "command.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "output.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void room_option(po::options_description& o) {
    o.add_options()("room", po::value<std::string>()->required(), "the room's id");
}

// What every item takes: who may receive it is decided by category, audience and the agreement.
void item_options(po::options_description& o) {
    o.add_options()
        ("category", po::value<std::string>()->default_value("general"),
         "general, health, justice, youth-protection, veilig-thuis-report or financial")
        ("audience", po::value<std::string>()->default_value("all"),
         "all (whoever the agreement allows), or organisations separated by commas (OINs or names)")
        ("person", po::value<std::vector<std::string>>(), "the ref of a person it concerns (repeatable)")
        ("signal", po::value<std::string>(),
         "a short notice for members who may not receive the item; they can ask for access");
}

std::optional<Signal> signal_of(const po::variables_map& args) {
    auto text = optional_value(args, "signal");
    if (!text) return std::nullopt;
    return Signal{*text, std::nullopt};
}

void post(Context& context, const po::variables_map& args) {
    ContributionPost request;
    request.room = value_of(args, "room");
    request.text = text_or_file(args);
    request.category = parse_enum<Category>("category", value_of(args, "category"));
    request.audience = parse_audience(context, value_of(args, "audience"));
    if (auto v = optional_value(args, "meeting")) request.meeting = *v;
    if (auto v = optional_value(args, "agenda-item")) request.agenda_item = *v;
    request.persons = person_refs(args);
    request.signal = signal_of(args);
    print_done(context, context.call(request), "contribution posted");
}

void record_decision(Context& context, const po::variables_map& args) {
    DecisionRecord request;
    request.room = value_of(args, "room");
    request.text = text_or_file(args);
    request.owner = context.resolve_organisation(value_of(args, "owner"));
    request.due = value_of(args, "due");
    request.category = parse_enum<Category>("category", value_of(args, "category"));
    request.audience = parse_audience(context, value_of(args, "audience"));
    if (auto v = optional_value(args, "meeting")) request.meeting = *v;
    request.persons = person_refs(args);
    request.signal = signal_of(args);
    print_done(context, context.call(request), "decision recorded");
}

void complete_decision(Context& context, const po::variables_map& args) {
    DecisionComplete request{value_of(args, "room"), value_of(args, "decision")};
    if (auto note = optional_value(args, "note")) request.note = *note;
    print_done(context, context.call(request), "decision done");
}

void correct(Context& context, const po::variables_map& args) {
    ItemCorrect request{value_of(args, "room"), value_of(args, "item"), text_or_file(args)};
    if (auto note = optional_value(args, "note")) request.note = *note;
    print_done(context, context.call(request), "item corrected; its recipients are told");
}

void redact(Context& context, const po::variables_map& args) {
    print_done(context, context.call(ItemRedact{value_of(args, "room"), value_of(args, "item"), value_of(args, "reason")}),
               "item redacted");
}

void request_access(Context& context, const po::variables_map& args) {
    auto reply = context.call(AccessRequest{value_of(args, "room"), value_of(args, "item"), value_of(args, "reason")});
    if (context.json()) return context.print_json(reply);
    std::cout << "access requested: request " << reply.item.value_or("") << " (the owner decides)\n";
}

void decide_access(Context& context, const po::variables_map& args) {
    AccessDecide request{value_of(args, "room"), value_of(args, "request"), parse_yes_no("grant", value_of(args, "grant")),
                         value_of(args, "basis"), value_of(args, "reason")};
    print_done(context, context.call(request), request.grant ? "access granted" : "access refused");
}

void withdraw_access(Context& context, const po::variables_map& args) {
    print_done(context,
               context.call(AccessWithdraw{value_of(args, "room"), value_of(args, "request"), value_of(args, "reason")}),
               "access withdrawn");
}

void open_advice(Context& context, const po::variables_map& args) {
    AdviceOpen request;
    request.adviser = context.resolve_organisation(value_of(args, "adviser"));
    request.case_ref = value_of(args, "case");
    request.question = text_or_file(args);
    request.category = parse_enum<Category>("category", value_of(args, "category"));
    request.anonymous = parse_yes_no("anonymous", value_of(args, "anonymous"));
    for (const auto& p : values_of(args, "person")) request.persons.push_back(parse_person(p));
    print_done(context, context.call(request), "advice asked");
}

void answer_advice(Context& context, const po::variables_map& args) {
    AdviceAnswer request{value_of(args, "room"), text_or_file(args),
                         parse_enum<Category>("category", value_of(args, "category"))};
    print_done(context, context.call(request), "advice given");
}

// "ref=p1,bsn=999990019,name=A. Jansen,birth_date=1990-01-01"
IdentifiedPerson identified(const std::string& spec) {
    IdentifiedPerson person;
    std::stringstream in(spec);
    std::string pair;
    while (std::getline(in, pair, ',')) {
        auto eq = pair.find('=');
        auto key = pair.substr(0, eq), value = eq == std::string::npos ? "" : pair.substr(eq + 1);
        if (key == "ref") person.ref = value;
        else if (key == "bsn") person.identifiers.bsn = value;
        else if (key == "name") person.identifiers.name = value;
        else if (key == "birth_date" || key == "birth-date") person.identifiers.birth_date = value;
        else throw UsageError("--person takes ref=...,bsn=...,name=...,birth_date=YYYY-MM-DD, not '" + spec + "'");
    }
    if (person.ref.empty()) throw UsageError("--person needs ref=... in '" + spec + "'");
    return person;
}

void report_advice(Context& context, const po::variables_map& args) {
    AdviceReport request;
    request.room = value_of(args, "room");
    request.reason = value_of(args, "reason");
    for (const auto& p : values_of(args, "person")) request.persons.push_back(identified(p));
    print_done(context, context.call(request), "advice turned into a report");
}

}  // namespace

void add_item_commands(std::vector<Command>& commands) {
    commands.push_back({{"post"}, group_items, "post a contribution (inbreng)", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            add_text_options(o, "the contribution");
                            item_options(o);
                            o.add_options()
                                ("meeting", po::value<std::string>(), "the meeting it belongs to")
                                ("agenda-item", po::value<std::string>(), "the agenda item it belongs to");
                        },
                        post});
    commands.push_back({{"decision", "record"}, group_plan, "record a decision (afspraak) with an owner and a due date",
                        {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            add_text_options(o, "the decision");
                            o.add_options()
                                ("owner", po::value<std::string>()->required(), "the organisation that owns it (OIN or name)")
                                ("due", po::value<std::string>()->required(), "YYYY-MM-DD")
                                ("meeting", po::value<std::string>(), "the meeting it was taken in");
                            item_options(o);
                        },
                        record_decision});
    commands.push_back({{"decision", "complete"}, group_plan, "mark a decision done", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("decision", po::value<std::string>()->required(), "the decision's item id")
                                ("note", po::value<std::string>(), "a note");
                        },
                        complete_decision});
    commands.push_back({{"item", "correct"}, group_items, "correct your own item; its recipients are told", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()("item", po::value<std::string>()->required(), "the item's id");
                            add_text_options(o, "the corrected text");
                            o.add_options()("note", po::value<std::string>(), "what was wrong");
                        },
                        correct});
    commands.push_back({{"item", "redact"}, group_items, "remove your own item's content everywhere", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("item", po::value<std::string>()->required(), "the item's id")
                                ("reason", po::value<std::string>()->required(), "why");
                        },
                        redact});
    commands.push_back({{"access", "request"}, group_items, "ask for an item you see only a signal of", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("item", po::value<std::string>()->required(), "the item's id (from its signal)")
                                ("reason", po::value<std::string>()->required(), "why you need it");
                        },
                        request_access});
    commands.push_back({{"access", "decide"}, group_items, "grant or refuse a request for your item", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("request", po::value<std::string>()->required(), "the request's id")
                                ("grant", po::value<std::string>()->required(), "yes or no")
                                ("basis", po::value<std::string>()->required(), "the legal basis (grondslag)")
                                ("reason", po::value<std::string>()->required(), "why");
                        },
                        decide_access});
    commands.push_back({{"access", "withdraw"}, group_items, "withdraw access you granted", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("request", po::value<std::string>()->required(), "the request's id")
                                ("reason", po::value<std::string>()->required(), "why");
                        },
                        withdraw_access});
    commands.push_back({{"advice", "open"}, group_items, "ask Veilig Thuis for advice (anonymous by default)", {},
                        [](po::options_description& o) {
                            o.add_options()
                                ("adviser", po::value<std::string>()->required(), "the Veilig Thuis organisation (OIN or name)")
                                ("case", po::value<std::string>()->required(), "your case reference");
                            add_text_options(o, "the question");
                            o.add_options()
                                ("category", po::value<std::string>()->default_value("general"), "the question's category")
                                ("anonymous", po::value<std::string>()->default_value("yes"), "yes or no")
                                ("person", po::value<std::vector<std::string>>(), "ref:role:pseudonym (repeatable)");
                        },
                        open_advice});
    commands.push_back({{"advice", "answer"}, group_items, "answer an advice question (Veilig Thuis)", {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            add_text_options(o, "the advice");
                            o.add_options()("category", po::value<std::string>()->default_value("general"), "its category");
                        },
                        answer_advice});
    commands.push_back({{"advice", "report"}, group_items, "turn the advice into a report (melding), with identifiers",
                        {"room"},
                        [](po::options_description& o) {
                            room_option(o);
                            o.add_options()
                                ("reason", po::value<std::string>()->required(), "why")
                                ("person", po::value<std::vector<std::string>>()->required(),
                                 "ref=p1,bsn=...,name=...,birth_date=YYYY-MM-DD (repeatable)");
                        },
                        report_advice});
}

}  // namespace kamer::cli
