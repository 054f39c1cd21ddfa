// Replies as people read them: tables, local times, organisation names, the plan at a glance.
#include <iostream>
#include <map>

#include "command.hpp"
#include "output.hpp"

namespace kamer::cli {
namespace json = boost::json;

namespace {

std::string str(const json::object& o, const char* key, const std::string& fallback = "") {
    auto* v = o.if_contains(key);
    if (!v || v->is_null()) return fallback;
    if (v->is_string()) return std::string(v->as_string());
    return json::serialize(*v);
}

std::string org_name(const json::value& ref) {
    if (ref.is_object()) return str(ref.as_object(), "name");
    return ref.is_string() ? std::string(ref.as_string()) : json::serialize(ref);
}

const json::array& arr(const json::object& o, const char* key) {
    static const json::array none;
    auto* v = o.if_contains(key);
    return v && v->is_array() ? v->as_array() : none;
}

// The line of text an entry is about, whatever its kind.
std::string gist(const json::object& entry) {
    auto* data = entry.if_contains("data");
    if (!data || !data->is_object()) return {};
    const auto& d = data->as_object();
    for (const char* key : {"text", "question", "reason", "summary", "title", "case_ref", "note"})
        if (auto* v = d.if_contains(key); v && v->is_string()) return std::string(v->as_string());
    if (auto* to = d.if_contains("to"); to && to->is_string()) return "to " + std::string(to->as_string());
    if (auto* o = d.if_contains("organisation"); o && o->is_object()) return org_name(*o);
    return {};
}

void render_ok(const json::object& reply) {
    std::string line = "ok";
    for (const char* key : {"room", "item", "version", "cursor"})
        if (reply.contains(key)) line += "  " + std::string(key) + " " + str(reply, key);
    std::cout << line << "\n";
}

void render_rooms(const json::object& reply) {
    Table t({"ROOM", "KIND", "CASE", "STATE", "MY ROLE", "STATUS", "OPEN DECISIONS", "OPENED"});
    for (const auto& r : arr(reply, "rooms")) {
        const auto& o = r.as_object();
        t.add({str(o, "room"), str(o, "kind"), str(o, "case_ref"), str(o, "state"), str(o, "my_role"),
               str(o, "my_status"), str(o, "open_decisions"), local_time(str(o, "opened_at"))});
    }
    if (t.empty()) std::cout << "no rooms\n";
    else t.print(std::cout);
}

void render_room(const json::object& reply) {
    const auto& s = reply.at("summary").as_object();
    std::cout << str(s, "case_ref") << (s.contains("title") ? " — " + str(s, "title") : "") << "\n"
              << "room      " << str(s, "room") << "\n"
              << "kind      " << str(s, "kind") << "\n"
              << "state     " << str(s, "state") << "\n"
              << "opened    " << local_time(str(s, "opened_at")) << "\n"
              << "my role   " << str(s, "my_role") << " (" << str(s, "my_status") << ")\n"
              << "analysis  version " << str(reply, "analysis_version", "0") << "\n";
    if (reply.contains("parent")) std::cout << "came from " << str(reply, "parent") << "\n";
    for (const auto& h : arr(reply, "handed_over_to")) std::cout << "went to   " << json::serialize(h) << "\n";
    std::cout << "\nMembers\n";
    Table members({"ORGANISATION", "SECTOR", "OIN", "ROLE", "STATUS"});
    for (const auto& m : arr(reply, "members")) {
        const auto& o = m.as_object();
        const auto& org = o.at("organisation").as_object();
        members.add({str(org, "name"), str(org, "sector"), str(org, "oin"),
                     str(o, "role") + (o.at("regisseur").as_bool() ? ", regisseur" : ""), str(o, "status")});
    }
    members.print(std::cout);
    if (!arr(reply, "persons").empty()) {
        std::cout << "\nPersons concerned\n";
        Table persons({"REF", "ROLE", "PSEUDONYM"});
        for (const auto& p : arr(reply, "persons"))
            persons.add({str(p.as_object(), "ref"), str(p.as_object(), "role"), str(p.as_object(), "pseudonym")});
        persons.print(std::cout);
    }
    for (const auto& m : arr(reply, "meetings")) {
        const auto& o = m.as_object();
        std::cout << "\nMeeting " << str(o, "meeting") << "  " << local_time(str(o, "at")) << "  " << str(o, "status")
                  << (o.contains("title") ? "  " + str(o, "title") : "") << "\n";
        for (const auto& a : arr(o, "agenda")) std::cout << "  agenda  " << str(a.as_object(), "id") << "  " << str(a.as_object(), "title") << "\n";
        for (const auto& a : arr(o, "attendance"))
            std::cout << "  " << str(a.as_object(), "presence") << "  " << org_name(a.as_object().at("organisation")) << "\n";
    }
}

void render_meeting(const json::object& reply) {
    std::cout << "meeting " << str(reply, "meeting") << "\n";
    for (const auto& a : arr(reply, "agenda"))
        std::cout << "  agenda item " << str(a.as_object(), "id") << "  " << str(a.as_object(), "title") << "\n";
}

void render_plan(const json::object& reply) {
    std::cout << "Safety plan: " << str(reply, "on_track") << " on track, " << str(reply, "attention") << " need attention, "
              << str(reply, "broken") << " broken";
    if (reply.contains("next_checkpoint")) std::cout << "; next checkpoint " << str(reply, "next_checkpoint");
    std::cout << "\n";
    Table t({"STATUS", "OWNER", "CHECKPOINTS", "AGREEMENT", "TEXT"});
    for (const auto& a : arr(reply, "agreements")) {
        const auto& o = a.as_object();
        std::string checkpoints;
        for (const auto& c : arr(o, "checkpoints"))
            checkpoints += (checkpoints.empty() ? "" : " ") + str(c.as_object(), "date") + ":" + str(c.as_object(), "status");
        t.add({str(o, "status"), org_name(o.at("owner")), checkpoints, str(o, "agreement"), clip(str(o, "text"), 50)});
    }
    if (!t.empty()) t.print(std::cout);
}

void render_decisions(const json::object& reply) {
    Table t({"STATUS", "DUE", "OWNER", "CASE", "DECISION", "TEXT"});
    for (const auto& d : arr(reply, "decisions")) {
        const auto& o = d.as_object();
        t.add({str(o, "status"), str(o, "due"), org_name(o.at("owner")), str(o, "case_ref"), str(o, "decision"),
               clip(str(o, "text"), 50)});
    }
    if (t.empty()) std::cout << "no decisions\n";
    else t.print(std::cout);
}

void render_checkpoints(const json::object& reply) {
    Table t({"DATE", "STATUS", "OWNER", "CASE", "AGREEMENT", "TEXT"});
    for (const auto& c : arr(reply, "checkpoints")) {
        const auto& o = c.as_object();
        t.add({str(o, "date"), str(o, "status"), org_name(o.at("owner")), str(o, "case_ref"), str(o, "agreement"),
               clip(str(o, "text"), 50)});
    }
    if (t.empty()) std::cout << "no checkpoints due\n";
    else t.print(std::cout);
}

void render_agreement(const json::object& reply) {
    std::cout << "Sharing agreement " << str(reply, "version") << "\n";
    const auto& doc = reply.at("document").as_object();
    for (const auto& [kind, spec] : doc.at("kinds").as_object()) {
        std::cout << "\n" << std::string(kind) << "\n";
        Table t({"CATEGORY", "SECTORS", "ROLES"});
        for (const auto& [category, rule] : spec.at("categories").as_object()) {
            const auto& r = rule.as_object();
            auto list = [&](const char* key) {
                auto* v = r.if_contains(key);
                if (!v) return std::string("-");
                if (v->is_string()) return std::string(v->as_string());
                std::string out;
                for (const auto& x : v->as_array()) out += (out.empty() ? "" : ", ") + std::string(x.as_string());
                return out;
            };
            t.add({std::string(category), list("sectors"), list("roles")});
        }
        t.print(std::cout);
    }
}

void render_subject_report(Context& context, const json::object& reply) {
    std::cout << "Data-subject report produced " << local_time(str(reply, "produced_at")) << "\n";
    for (const auto& i : arr(reply, "items")) {
        const auto& o = i.as_object();
        std::cout << "\n" << local_time(str(o, "at")) << "  " << str(o, "case_ref") << "  " << str(o, "kind") << "  ["
                  << str(o, "category") << "]  by " << org_name(o.at("author")) << "  item " << str(o, "item") << "\n";
        Table t({"  DISCLOSED TO", "AT", "HOW", "VIEW", "BASIS"});
        for (const auto& d : arr(o, "disclosures")) {
            const auto& x = d.as_object();
            t.add({"  " + org_name(x.at("organisation")), local_time(str(x, "at")), str(x, "how"), str(x, "view"),
                   str(x, "basis")});
        }
        t.print(std::cout);
    }
    (void)context;
}

void render_audit(const json::object& reply) {
    bool intact = reply.at("intact").as_bool();
    std::cout << (intact ? "intact" : "BROKEN") << ": " << str(reply, "records") << " disclosure records in "
              << str(reply, "rows") << " rows; head " << str(reply, "head_hash") << "\n";
    if (!intact) std::cout << "first broken row " << str(reply, "first_broken") << ": " << str(reply, "problem") << "\n";
}

void render_retention(const json::object& reply) {
    bool dry = reply.at("dry_run").as_bool();
    Table t({"ROOM", "KIND", "CASE", "CLOSED", "EXPIRED ON"});
    for (const auto& r : arr(reply, "rooms")) {
        const auto& o = r.as_object();
        t.add({str(o, "room"), str(o, "kind"), str(o, "case_ref"), local_time(str(o, "closed_at")), str(o, "expired_on")});
    }
    if (t.empty()) {
        std::cout << "no room is past its retention term\n";
        return;
    }
    t.print(std::cout);
    std::cout << (dry ? "(dry run: nothing removed; --run removes their content)\n" : "content removed\n");
}

void render_registry(const json::object& reply) {
    Table t({"ORGANISATION", "SECTOR", "OIN", "STATUS"});
    for (const auto& r : arr(reply, "organisations")) {
        const auto& o = r.as_object();
        t.add({str(o, "name"), str(o, "sector"), str(o, "oin"), str(o, "status")});
    }
    t.print(std::cout);
}

void render_search(Context& context, const json::object& reply) {
    if (arr(reply, "hits").empty()) std::cout << "nothing found\n";
    for (const auto& h : arr(reply, "hits"))
        render_event(context, str(h.as_object(), "room"), h.as_object().at("event").as_object());
}

}  // namespace

void render_event(Context&, const std::string& room, const json::object& event) {
    const auto& e = event.at("entry").as_object();
    std::string line = local_time(str(e, "at")) + "  " + org_name(e.at("author")) + "  " + str(e, "kind");
    if (e.contains("category")) line += "  [" + str(e, "category") + "]";
    if (e.contains("redacted") && e.at("redacted").as_bool()) line += "  (redacted)";
    if (auto g = gist(e); !g.empty()) line += "  " + clip(g, 80);
    if (e.contains("item")) line += "  item " + str(e, "item");
    (void)room;
    std::cout << line << "\n";
}

void render(Context& context, const std::string& request, const json::object& reply) {
    if (request == "room.list") return render_rooms(reply);
    if (request == "room.get") return render_room(reply);
    if (request == "meeting.schedule") return render_meeting(reply);
    if (request == "plan.get") return render_plan(reply);
    if (request == "decisions.list") return render_decisions(reply);
    if (request == "checkpoints.due") return render_checkpoints(reply);
    if (request == "agreement.get") return render_agreement(reply);
    if (request == "report.subject") return render_subject_report(context, reply);
    if (request == "audit.verify") return render_audit(reply);
    if (request == "retention.run") return render_retention(reply);
    if (request == "registry.list") return render_registry(reply);
    if (request == "search") return render_search(context, reply);
    if (request == "history") {
        for (const auto& e : arr(reply, "events")) render_event(context, str(reply, "room"), e.as_object());
        if (reply.contains("next")) std::cout << "(more after " << str(reply, "next") << ")\n";
        return;
    }
    render_ok(reply);
}

}  // namespace kamer::cli
