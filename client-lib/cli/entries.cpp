#include "entries.hpp"

namespace kamer::cli {

namespace {

// Entry data decoded as its protocol type; nullopt when a newer server sent another shape.
template <class Data>
std::optional<Data> data_of(const protocol::Entry& entry) {
    try {
        return protocol::Decoder(protocol::DecodeOptions{false}, "data").decode<Data>(entry.data);
    } catch (const protocol::ProtocolError&) {
        return std::nullopt;
    }
}

std::string joined_dates(const protocol::List<protocol::Date, 20>& dates) {
    std::string s;
    for (const auto& d : dates) s += (s.empty() ? "" : ", ") + d;
    return s;
}

}  // namespace

std::string audience_text(Context& context, const std::optional<protocol::Audience>& audience) {
    if (!audience || audience->all) return "all";
    std::string s;
    for (const auto& oin : audience->organisations) s += (s.empty() ? "" : ", ") + context.name_of(oin);
    return s;
}

std::string describe(Context& context, const protocol::Entry& e) {
    using namespace protocol;
    const std::string& k = e.kind;
    if (e.redacted.value_or(false)) return k + ": (content removed)";
    if (k == "room.opened") {
        if (auto d = data_of<RoomOpenedData>(e))
            return "room opened: " + std::string(to_string(d->kind)) + " " + d->case_ref +
                   (d->title ? " \"" + *d->title + "\"" : "") + ", chair " + d->chair.name;
    } else if (k == "room.transitioned") {
        if (auto d = data_of<RoomTransitionedData>(e))
            return "state " + std::string(to_string(d->from)) + " -> " + std::string(to_string(d->to)) + ": " + d->reason;
    } else if (k.rfind("member.", 0) == 0) {
        if (auto d = data_of<MemberData>(e))
            return k.substr(7) + ": " + d->organisation.name + (d->role ? " as " + std::string(to_string(*d->role)) : "") +
                   (d->reason ? " (" + *d->reason + ")" : "");
    } else if (k == "person.added") {
        if (auto d = data_of<PersonAddedData>(e))
            return "person added: " + d->person.ref + " " + std::string(to_string(d->person.role)) + " " + d->person.pseudonym;
    } else if (k == "person.identified") {
        if (auto d = data_of<PersonIdentifiedData>(e)) return "person identified: " + d->ref;
    } else if (k == "meeting.scheduled") {
        if (auto d = data_of<MeetingScheduledData>(e))
            return "meeting scheduled for " + local_time(d->at) + (d->title ? ": " + *d->title : "") + " (" +
                   std::to_string(d->agenda.size()) + " agenda items)";
    } else if (k == "meeting.agenda_added") {
        if (auto d = data_of<AgendaAddedData>(e)) return "agenda item added: " + d->agenda_item.title;
    } else if (k == "meeting.started" || k == "meeting.closed") {
        if (auto d = data_of<MeetingData>(e)) {
            if (k == "meeting.started") return "meeting started";
            return "meeting closed" + (d->summary ? ": " + *d->summary : std::string());
        }
    } else if (k == "meeting.attendance") {
        if (auto d = data_of<AttendanceData>(e))
            return "attendance: " + d->organisation.name + " " + std::string(to_string(d->presence));
    } else if (k == "contribution.posted") {
        if (auto d = data_of<ContributionData>(e)) return "contribution: " + clip(d->text);
    } else if (k == "decision.recorded") {
        if (auto d = data_of<DecisionData>(e))
            return "decision: " + clip(d->text) + " (owner " + d->owner.name + ", due " + d->due + ")";
    } else if (k == "decision.completed") {
        if (auto d = data_of<DecisionCompletedData>(e)) return "decision done" + (d->note ? ": " + *d->note : "");
    } else if (k == "analysis.edited") {
        if (auto d = data_of<AnalysisData>(e))
            return "analysis v" + std::to_string(e.version ? e.version->value : 0) + ": " + clip(d->text);
    } else if (k == "plan.agreement_added") {
        if (auto d = data_of<PlanAgreementData>(e))
            return "plan agreement: " + clip(d->text) + " (owner " + d->owner.name + "; checkpoints " +
                   joined_dates(d->checkpoints) + ")";
    } else if (k == "plan.checkpoint_reported") {
        if (auto d = data_of<CheckpointData>(e))
            return "checkpoint " + d->checkpoint + (d->held ? ": held" : ": NOT held") + (d->note ? " (" + *d->note + ")" : "");
    } else if (k == "item.corrected") {
        if (auto d = data_of<CorrectionData>(e)) return "corrected: " + clip(d->text);
    } else if (k == "item.redacted") {
        if (auto d = data_of<RedactionData>(e)) return "redacted: " + d->reason;
    } else if (k == "signal") {
        if (auto d = data_of<SignalData>(e)) return "SIGNAL: " + d->text + " (kamer access request to ask for it)";
    } else if (k == "access.requested") {
        if (auto d = data_of<AccessRequestedData>(e))
            return "access requested by " + d->requester.name + " (request " + d->request + "): " + d->reason;
    } else if (k == "access.decided") {
        if (auto d = data_of<AccessDecidedData>(e))
            return std::string(d->granted ? "access granted" : "access refused") + " to " + d->requester.name + " (" +
                   d->basis + "): " + d->reason;
    } else if (k == "access.withdrawn") {
        if (auto d = data_of<AccessWithdrawnData>(e)) return "access withdrawn from " + d->requester.name + ": " + d->reason;
    } else if (k == "room.escalated" || k == "room.deescalated") {
        if (auto d = data_of<HandoverData>(e))
            return k.substr(5) + " to " + std::string(to_string(d->to_kind)) + " room " + d->to_room + " chaired by " +
                   d->chair.name;
    } else if (k == "item.handed_over") {
        if (auto d = data_of<HandedOverData>(e)) return "handed over: " + d->original_kind + " from room " + d->from_room;
    } else if (k == "advice.asked" || k == "advice.answered") {
        if (auto d = data_of<AdviceData>(e)) return (k == "advice.asked" ? "advice asked: " : "advice: ") + clip(d->text);
    } else if (k == "advice.reported") {
        if (auto d = data_of<AdviceReportedData>(e)) return "advice became a report: " + d->reason;
    }
    return k;  // an entry kind this client does not know yet
}

Table entry_table() { return Table({"TIME", "FROM", "CATEGORY", "ITEM", "WHAT"}); }

void add_entry(Context& context, Table& table, const protocol::Entry& e) {
    std::string category = e.category ? std::string(protocol::to_string(*e.category)) : "";
    if (e.category && e.audience && !e.audience->all) category += " -> " + audience_text(context, e.audience);
    table.add({local_time(e.at), e.author.name, category, e.item.value_or(""), describe(context, e)});
}

}  // namespace kamer::cli
