// Every command of the kamer CLI. The request each sends and its options are data; runners
// exist only where a command does more than one request.
#include <iostream>

#include "command.hpp"
#include "runners.hpp"

namespace kamer::cli {
namespace {

constexpr const char* setup = "Setting up";
constexpr const char* chairs = "Rooms, members and meetings";
constexpr const char* items = "Case information";
constexpr const char* overview = "Across rooms";
constexpr const char* accountability = "Privacy officers and operators";

Param room() { return {"ROOM", "room", Kind::text, true, true, "the room's id (kamer rooms lists them)"}; }
Param reason(bool required = true) { return {"reason", "reason", Kind::text, required, false, "why (recorded with the change)"}; }
Param category() {
    return {"category", "category", Kind::text, false, false,
            "general, health, justice, youth-protection, veilig-thuis-report or financial", "general"};
}
Param audience() {
    return {"audience", "audience", Kind::audience, false, false,
            "all (whoever the agreement allows), or organisations separated by commas", "all"};
}
Param persons() { return {"person", "persons", Kind::list, false, false, "a person (ref) it concerns; repeatable"}; }
Param signal() {
    return {"signal", "signal.text", Kind::text, false, false,
            "a short signal for members who may not see the item (they can ask for access)"};
}
Param meeting(bool required) { return {"meeting", "meeting", Kind::text, required, false, "the meeting's id"}; }
Param text(const std::string& help = "the text; @FILE reads it from a file") {
    return {"text", "text", Kind::text, true, false, help};
}
Param organisation(const std::string& help) { return {"organisation", "organisation", Kind::organisation, true, false, help}; }

std::vector<Command> make() {
    return {
        // ---------------------------------------------------------------- setting up
        {{"profile", "add"}, setup, "save connection settings under a name", "",
         {{"NAME", "", Kind::text, true, true, "the profile's name"},
          {"server", "", Kind::text, false, false, "HOST:PORT of the Kamer server", "127.0.0.1:8443"},
          {"server-name", "", Kind::text, false, false, "the name in the server's certificate", "localhost"},
          {"certificate", "", Kind::text, true, false, "your organisation certificate (PEM)"},
          {"key", "", Kind::text, true, false, "its private key (PEM)"},
          {"ca", "", Kind::text, true, false, "the CA bundle of the server's certificate"},
          {"crl", "", Kind::text, false, false, "CRLs to check the server's certificate against"},
          {"actor", "", Kind::text, false, false, "your id as the professional acting"},
          {"actor-function", "", Kind::text, false, false, "your function, e.g. privacy-officer"}},
         run_profile_add},
        {{"profile", "list"}, setup, "list the saved profiles", "", {}, run_profile_list},

        // ---------------------------------------------------------------- rooms
        {{"rooms"}, chairs, "list my rooms", "room.list",
         {{"state", "state", Kind::text, false, false, "only rooms in this state (referred, preparation, ...)"}},
         run_paged},
        {{"room", "open"}, chairs, "open a case room (you chair it and direct the case)", "room.open",
         {{"kind", "kind", Kind::text, false, false, "lokale-kamer or mda++", "lokale-kamer"},
          {"case", "case_ref", Kind::text, true, false, "the pseudonymous case reference"},
          {"title", "title", Kind::text, false, false, "a title"},
          {"person", "persons", Kind::persons, false, false, "ref:role:pseudonym, e.g. p1:child:Kind A.; repeatable"}}},
        {{"room", "show"}, chairs, "a room: state, members, persons, meetings", "room.get", {room()}},
        {{"room", "transition"}, chairs, "move the case to another state", "room.transition",
         {room(), {"to", "to", Kind::text, true, false, "preparation, in-consultation, monitoring or closed"}, reason()}},
        {{"person", "add"}, chairs, "add a person concerned", "person.add",
         {room(), {"person", "person", Kind::person, true, false, "ref:role:pseudonym"}}},
        {{"person", "identify"}, chairs, "record a person's identifiers (where the table needs them)", "person.identify",
         {room(), {"ref", "ref", Kind::text, true, false, "the person's ref"},
          {"bsn", "identifiers.bsn", Kind::text, false, false, "BSN"},
          {"name", "identifiers.name", Kind::text, false, false, "full name"},
          {"birth-date", "identifiers.birth_date", Kind::text, false, false, "YYYY-MM-DD"}, category(), audience()}},
        {{"member", "invite"}, chairs, "invite an organisation", "member.invite",
         {room(), organisation("OIN, or a unique part of its name or its sector (e.g. ggz)"),
          {"role", "role", Kind::text, false, false, "participant or adviser", "participant"}}},
        {{"member", "accept"}, chairs, "accept an invitation", "member.accept", {room()}},
        {{"member", "decline"}, chairs, "decline an invitation", "member.decline", {room(), reason(false)}},
        {{"member", "remove"}, chairs, "remove a member (ends its access)", "member.remove",
         {room(), organisation("the member to remove"), reason()}},
        {{"member", "leave"}, chairs, "leave a room", "member.leave", {room(), reason(false)}},
        {{"member", "set-regisseur"}, chairs, "make a member the case director", "member.set-regisseur",
         {room(), organisation("the new regisseur")}},
        {{"meeting", "schedule"}, chairs, "schedule a meeting with its agenda", "meeting.schedule",
         {room(), {"at", "at", Kind::local_time, true, false, "local date and time, e.g. \"2026-12-01 14:30\""},
          {"title", "title", Kind::text, false, false, "a title"},
          {"agenda", "agenda", Kind::list, false, false, "an agenda item; repeatable"}}},
        {{"meeting", "agenda-add"}, chairs, "add an agenda item", "meeting.agenda-add",
         {room(), meeting(true), {"title", "title", Kind::text, true, false, "the agenda item"}}},
        {{"meeting", "start"}, chairs, "start a meeting", "meeting.start", {room(), meeting(true)}},
        {{"meeting", "close"}, chairs, "close a meeting", "meeting.close",
         {room(), meeting(true), {"summary", "summary", Kind::text, false, false, "a summary"}}},
        {{"meeting", "attendance"}, chairs, "record who attended", "meeting.attendance",
         {room(), meeting(true), organisation("the organisation"),
          {"presence", "presence", Kind::text, true, false, "present, absent or excused"}}},
        {{"escalate"}, chairs, "escalate a lokale kamer case to an MDA++ table (opschalen)", "room.escalate",
         {room(), {"chair", "chair", Kind::organisation, true, false, "the Zorg- en Veiligheidshuis that will chair"},
          {"item", "items", Kind::list, false, false, "an item that goes along; repeatable"}, reason()},
         {}, "Open decisions and safety-plan agreements always go along."},
        {{"deescalate"}, chairs, "hand an MDA++ case back to the municipality (afschalen)", "room.deescalate",
         {room(), {"chair", "chair", Kind::organisation, true, false, "the municipality that will chair"},
          {"item", "items", Kind::list, false, false, "an item that goes along; repeatable"}, reason()}},
        {{"follow"}, chairs, "follow a room live (Ctrl-C stops)", "subscribe",
         {room(), {"after", "", Kind::text, false, false, "resume after this cursor"},
          {"for", "", Kind::integer, false, false, "stop after this many seconds (default: until Ctrl-C)"}},
         run_follow},

        // ---------------------------------------------------------------- case information
        {{"post"}, items, "post a contribution (inbreng)", "contribution.post",
         {room(), text(), category(), audience(), meeting(false),
          {"agenda-item", "agenda_item", Kind::text, false, false, "the agenda item it belongs to"}, persons(), signal()}},
        {{"decision", "record"}, items, "record a decision (afspraak)", "decision.record",
         {room(), text(), {"owner", "owner", Kind::organisation, true, false, "the organisation that owns it"},
          {"due", "due", Kind::text, true, false, "YYYY-MM-DD"}, category(), audience(), meeting(false), persons(),
          signal()}},
        {{"decision", "complete"}, items, "mark a decision done", "decision.complete",
         {room(), {"decision", "decision", Kind::text, true, false, "the decision's item id"},
          {"note", "note", Kind::text, false, false, "a note"}}},
        {{"analysis", "show"}, items, "the explanatory analysis (verklarende analyse)", "history", {room()},
         run_analysis_show},
        {{"analysis", "edit"}, items, "write the next version of the analysis", "analysis.edit",
         {room(), text("the whole new text; @FILE reads it from a file"), persons()}, run_analysis_edit},
        {{"plan", "show"}, items, "the safety plan at a glance", "plan.get", {room()}},
        {{"plan", "add"}, items, "add a safety-plan agreement with checkpoints", "plan.agreement-add",
         {room(), text(), {"owner", "owner", Kind::organisation, true, false, "who answers for it"},
          {"checkpoint", "checkpoints", Kind::dates, true, false, "a monitoring date YYYY-MM-DD; repeatable"}, category(),
          audience(), persons()}},
        {{"plan", "report"}, items, "report at a checkpoint whether the agreement held", "plan.checkpoint-report",
         {room(), {"agreement", "agreement", Kind::text, true, false, "the agreement's item id"},
          {"checkpoint", "checkpoint", Kind::text, true, false, "the checkpoint's date"},
          {"held", "held", Kind::yes_no, true, false, "yes or no"}, {"note", "note", Kind::text, false, false, "a note"}}},
        {{"item", "correct"}, items, "correct your own item (recipients are told)", "item.correct",
         {room(), {"item", "item", Kind::text, true, false, "the item's id"}, text("the corrected text"),
          {"note", "note", Kind::text, false, false, "what was wrong"}}},
        {{"item", "redact"}, items, "remove your own item's content everywhere", "item.redact",
         {room(), {"item", "item", Kind::text, true, false, "the item's id"}, reason()}},
        {{"access", "request"}, items, "ask for an item you see only a signal of", "access.request",
         {room(), {"item", "item", Kind::text, true, false, "the item's id (from its signal)"}, reason()}},
        {{"access", "decide"}, items, "grant or refuse an access request to your item", "access.decide",
         {room(), {"request", "request", Kind::text, true, false, "the request's id"},
          {"grant", "grant", Kind::yes_no, true, false, "yes or no"},
          {"basis", "basis", Kind::text, true, false, "the legal basis"}, reason()}},
        {{"access", "withdraw"}, items, "withdraw access you granted", "access.withdraw",
         {room(), {"request", "request", Kind::text, true, false, "the request's id"}, reason()}},
        {{"advice", "open"}, items, "ask Veilig Thuis for advice (anonymous by default)", "advice.open",
         {{"adviser", "adviser", Kind::organisation, true, false, "the Veilig Thuis organisation"},
          {"case", "case_ref", Kind::text, true, false, "your case reference"},
          {"question", "question", Kind::text, true, false, "the question; @FILE reads it from a file"}, category(),
          {"anonymous", "anonymous", Kind::yes_no, false, false, "yes (default) or no"},
          {"person", "persons", Kind::persons, false, false, "ref:role:pseudonym; repeatable"}}},
        {{"advice", "answer"}, items, "answer an advice question (Veilig Thuis)", "advice.answer",
         {room(), text(), category()}},
        {{"advice", "report"}, items, "turn the advice into a report (melding), adding identifiers", "advice.report",
         {room(), reason(),
          {"person", "persons", Kind::identified, true, false, "ref=p1,bsn=...,name=...,birth_date=YYYY-MM-DD; repeatable"}}},
        {{"history"}, items, "what you may see of a room, from the start or after a cursor", "history",
         {room(), {"after", "after", Kind::text, false, false, "after this cursor"},
          {"limit", "limit", Kind::integer, false, false, "at most this many (default: everything)"}},
         run_paged},
        {{"search"}, items, "search the rooms' text you may see", "search",
         {{"QUERY", "query", Kind::text, true, true, "at least two characters"},
          {"room", "room", Kind::text, false, false, "only this room"},
          {"limit", "limit", Kind::integer, false, false, "at most this many hits"}}},

        // ---------------------------------------------------------------- across rooms
        {{"decisions"}, overview, "decisions in all my rooms (open and overdue by default)", "decisions.list",
         {{"status", "status", Kind::text, false, false, "open, overdue or done"},
          {"owned", "owned", Kind::flag, false, false, "only those my organisation owns"}},
         run_paged},
        {{"checkpoints"}, overview, "safety-plan checkpoints due (this week by default)", "checkpoints.due",
         {{"from", "from", Kind::text, false, false, "YYYY-MM-DD"}, {"to", "to", Kind::text, false, false, "YYYY-MM-DD"}},
         run_paged},

        // ---------------------------------------------------------------- accountability
        {{"audit", "verify"}, accountability, "verify the disclosure log's hash chain", "audit.verify", {}},
        {{"subject-report"}, accountability, "what was disclosed about a person, to whom (AVG art. 15)", "report.subject",
         {{"bsn", "bsn", Kind::text, false, false, "the person's BSN"},
          {"room", "room", Kind::text, false, false, "or: a room ..."},
          {"person", "person", Kind::text, false, false, "... and the person's ref in it"}},
         {}, "Needs the actor function privacy-officer (--actor-function or the profile)."},
        {{"retention"}, accountability, "closed rooms past their retention term (a dry run unless --run)", "retention.run",
         {{"run", "", Kind::flag, false, false, "remove their content now"},
          {"yes", "", Kind::flag, false, false, "do not ask for confirmation"}},
         run_retention},
        {{"registry"}, accountability, "the partner registry", "registry.list", {}},
        {{"agreement"}, accountability, "the sharing agreement in force", "agreement.get", {}},
    };
}

}  // namespace

const std::vector<Command>& commands() {
    static const std::vector<Command> all = make();
    return all;
}

}  // namespace kamer::cli
