#include "delivery/gate.hpp"

namespace kamer::server::delivery {
namespace {

// The recipient's role at the table as the log names it ("chair", "participant+regisseur").
std::string role_of(const policy::PolicyRoom& room, int org) {
    auto m = room.members.find(org);
    std::string role = m == room.members.end() ? "none" : std::string(protocol::to_string(m->second.role));
    if (room.regisseur == org) role += "+regisseur";
    return role;
}

audit::Record record_of(const rooms::StoredEntry& entry, const Recipient& to, const policy::PolicyRoom& room,
                        const policy::Decision& decision) {
    audit::Record r;
    r.entry = entry.seq;
    r.item = entry.meta.item;
    r.kind = entry.kind;
    r.category = entry.meta.category;
    r.persons = entry.persons;
    r.recipient = to.oin;
    r.actor = to.actor;
    r.actor_for = to.actor_for;
    r.role = role_of(room, to.org);
    r.view = decision.view;
    r.basis = decision.basis_text();
    return r;
}

}  // namespace

std::vector<Disclosed> disclose(const policy::Agreement& agreement, const policy::PolicyRoom& room,
                                std::span<const rooms::StoredEntry> entries, const Recipient& to, audit::Batch& log,
                                Shows shows) {
    std::vector<Disclosed> out;
    for (const auto& e : entries) {
        auto d = policy::decide(agreement, room, e.meta, to.org);
        if (shows == Shows::full_only && d.view == policy::View::signal)
            d = {policy::View::none, policy::BasisKind::signal_only, {}};
        log.records.push_back(record_of(e, to, room, d));
        if (d.view != policy::View::none) out.push_back({&e, d.view});
    }
    return out;
}

const std::string& body_of(const Disclosed& d) {
    return d.view == policy::View::signal ? d.entry->signal_body : d.entry->body;
}

std::string events_array(const CursorCodec& cursors, std::int64_t room, std::span<const Disclosed> events) {
    std::string out = "[";
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i) out += ',';
        out += "{\"cursor\":\"";
        out += cursors.encode(room, events[i].entry->seq);
        out += "\",\"entry\":";
        out += body_of(events[i]);
        out += '}';
    }
    return out + "]";
}

std::string encode_events(const std::string& room_public, const CursorCodec& cursors, std::int64_t room,
                          std::span<const Disclosed> events) {
    return "{\"type\":\"events\",\"body\":{\"room\":\"" + room_public + "\",\"events\":" +
           events_array(cursors, room, events) + "}}";
}

}  // namespace kamer::server::delivery
