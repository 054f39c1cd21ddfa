#include "rooms/write_context.hpp"

namespace kamer::server::rooms {
namespace json = boost::json;

namespace {

json::value oins(const identity::PartnerRegistry& registry, const std::vector<int>& orgs) {
    json::array a;
    for (int id : orgs)
        if (auto o = registry.find(id)) a.emplace_back(o->oin);
    return a;
}

}  // namespace

protocol::OrganisationRef WriteContext::ref(int org) const {
    auto o = services_.registry.find(org);
    if (!o) return {};
    return {o->oin, o->name, o->sector};
}

policy::PolicyRoom WriteContext::policy(const Room& room) const { return policy_view(room, services_.registry); }

const StoredEntry& WriteContext::append(Room& room, EntryDraft draft) {
    StoredEntry e;
    e.room = room.id;
    e.seq = room.head + 1;
    e.kind = std::move(draft.kind);
    e.version = draft.version;
    e.at = now_;
    e.persons = std::move(draft.persons);
    if (draft.of_item) {
        e.meta = draft.of_item->meta;
        e.meta.signal = false;
        e.meta.signal_audience.reset();
        draft.signal.reset();
    } else {
        e.meta.author = draft.author.value_or(caller_org());
        e.meta.category = draft.category;
        e.meta.audience = std::move(draft.audience);
        e.meta.item = draft.item;
        e.meta.subject = draft.subject;
        e.meta.signal = draft.signal.has_value();
        e.meta.signal_audience = std::move(draft.signal_audience);
    }
    const int shown_author = draft.author.value_or(caller_org());

    json::object entry;
    entry["kind"] = e.kind;
    if (!e.meta.item.empty()) entry["item"] = e.meta.item;
    if (e.version) entry["version"] = e.version;
    entry["at"] = e.at;
    entry["author"] = protocol::encode_value(ref(shown_author));
    if (shown_author == caller_org() && caller_.actor) entry["actor"] = protocol::encode_value(*caller_.actor);
    if (e.meta.category) entry["category"] = protocol::to_string(*e.meta.category);
    if (e.meta.category || e.meta.audience)
        entry["audience"] = e.meta.audience ? oins(services_.registry, *e.meta.audience) : json::value("all");
    if (!e.persons.empty()) {
        json::array p;
        for (const auto& r : e.persons) p.emplace_back(r);
        entry["persons"] = std::move(p);
    }
    if (draft.redacted) entry["redacted"] = true;
    entry["data"] = draft.data;
    e.body = json::serialize(entry);

    if (draft.signal) {
        // What members outside the audience see: that the author holds information of this
        // category, in the author's words, and nothing of the item itself.
        json::object s;
        s["kind"] = "signal";
        s["item"] = e.meta.item;
        s["at"] = e.at;
        s["author"] = entry["author"];
        s["category"] = entry["category"];
        s["data"] = json::object{{"text", draft.signal->text}};
        e.signal_body = json::serialize(s);
    }

    apply(room, e, draft.data, services_.registry);
    changes_.rooms.insert(room.id);
    changes_.entries.push_back(std::move(e));
    return changes_.entries.back();
}

}  // namespace kamer::server::rooms
