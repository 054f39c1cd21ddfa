// The authorization matrix: for every room kind x category x receiving organisation x emission
// path, what a connected client receives over the wire equals what the sharing agreement allows.
// The expectation is computed here from server/config/convenant.json, independently of the
// server's policy code. A request type the server offers (welcome.requests) that this file does
// not classify fails the test, so a new emission path cannot skip the matrix.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "harness.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "member.hpp"

namespace kamer::test {
namespace {

using namespace protocol;
namespace json = boost::json;

enum class View { none, signal, full };

const char* name_of(View v) { return v == View::full ? "full" : v == View::signal ? "signal" : "none"; }

// Every way a room's case information reaches a member. The matrix checks each of them.
enum class Path { live, resume, history, export_, search, decisions, checkpoints, plan, counts, subject_report, handover };
constexpr std::array all_paths{Path::live,        Path::resume, Path::history, Path::export_,
                               Path::search,      Path::decisions, Path::checkpoints, Path::plan,
                               Path::counts,      Path::subject_report, Path::handover};

// Request type -> the path that covers what it emits, or nullopt: it emits no item content
// (it changes state and answers with ids, or concerns the organisation itself).
const std::map<std::string, std::optional<Path>>& classification() {
    static const std::map<std::string, std::optional<Path>> map{
        {"subscribe", Path::live},  // and Path::resume: the catch-up before the reply
        {"unsubscribe", {}},
        {"history", Path::history},
        {"room.export", Path::export_},
        {"search", Path::search},
        {"decisions.list", Path::decisions},
        {"checkpoints.due", Path::checkpoints},
        {"plan.get", Path::plan},
        {"room.get", Path::counts},
        {"room.list", Path::counts},
        {"report.subject", Path::subject_report},
        {"room.escalate", Path::handover},
        {"room.deescalate", Path::handover},
        {"room.open", {}},
        {"room.transition", {}},
        {"person.add", {}},
        {"person.identify", {}},
        {"member.invite", {}},
        {"member.accept", {}},
        {"member.decline", {}},
        {"member.remove", {}},
        {"member.leave", {}},
        {"member.set-regisseur", {}},
        {"meeting.schedule", {}},
        {"meeting.agenda-add", {}},
        {"meeting.start", {}},
        {"meeting.close", {}},
        {"meeting.attendance", {}},
        {"contribution.post", {}},
        {"decision.record", {}},
        {"decision.complete", {}},
        {"analysis.edit", {}},
        {"plan.agreement-add", {}},
        {"plan.checkpoint-report", {}},
        {"item.correct", {}},
        {"item.redact", {}},
        {"access.request", {}},
        {"access.decide", {}},
        {"access.withdraw", {}},
        {"advice.open", {}},
        {"advice.answer", {}},
        {"advice.report", {}},
        {"agreement.get", {}},
        {"audit.verify", {}},
        {"retention.run", {}},
        {"registry.list", {}},  // organisations (name, OIN, sector): no case information
    };
    return map;
}

// The agreement, read as a reader of the document would.
class Oracle {
public:
    Oracle() {
        std::ifstream in(source_dir() + "/server/config/convenant.json");
        std::stringstream text;
        text << in.rdbuf();
        doc_ = json::parse(text.str()).as_object();
    }
    bool allows(RoomKind kind, Category category, Sector sector, const std::set<std::string>& roles) const {
        const auto& rule = doc_.at("kinds").at(to_string(kind)).at("categories").as_object().if_contains(to_string(category));
        if (!rule) return false;
        const auto& sectors = rule->at("sectors");
        if (sectors.is_string() ? sectors.as_string() == "all" : contains(sectors, to_string(sector))) return true;
        if (auto* r = rule->as_object().if_contains("roles"))
            for (const auto& role : roles)
                if (contains(*r, role)) return true;
        return false;
    }

private:
    static bool contains(const json::value& list, std::string_view s) {
        for (const auto& v : list.as_array())
            if (v.as_string() == s) return true;
        return false;
    }
    json::object doc_;
};

struct Posted {
    std::string id;
    std::string what;  // contribution, decision, plan
    Category category;
    std::string author;
    std::optional<std::vector<std::string>> audience;  // slugs; nullopt: all members
    bool signal = false;
    std::string text;
};

struct Table {
    RoomKind kind;
    std::string room;
    std::string chair;
    std::string regisseur;
    std::map<std::string, Role> members;  // slug -> role, the chair included
};

std::set<std::string> roles_of(const Table& t, const std::string& slug) {
    std::set<std::string> roles{std::string(to_string(t.members.at(slug)))};
    if (slug == t.regisseur) roles.insert("regisseur");
    return roles;
}

View expected(const Oracle& oracle, const Table& t, const Posted& p, const std::string& slug) {
    if (!t.members.count(slug)) return View::none;
    if (slug == p.author) return View::full;
    bool in_audience = !p.audience || std::count(p.audience->begin(), p.audience->end(), slug);
    if (in_audience && oracle.allows(t.kind, p.category, partner(slug).sector, roles_of(t, slug))) return View::full;
    return p.signal ? View::signal : View::none;
}

using Seen = std::map<std::string, View>;  // item id -> view

Seen seen_in(const std::vector<ReceivedEvent>& events, const std::map<std::string, Posted>& posted) {
    Seen out;
    for (const auto& e : events) {
        if (!e.entry.item || !posted.count(*e.entry.item)) continue;
        View v = e.entry.kind == "signal" ? View::signal : View::full;
        auto [it, fresh] = out.emplace(*e.entry.item, v);
        if (!fresh && v == View::full) it->second = View::full;
    }
    return out;
}

Seen full_only(const Seen& s) {
    Seen out;
    for (const auto& [id, v] : s)
        if (v == View::full) out.emplace(id, v);
    return out;
}

std::string describe(const Seen& s, const std::map<std::string, Posted>& posted) {
    std::string out;
    for (const auto& [id, v] : s) {
        const auto& p = posted.at(id);
        out += p.what + "/" + std::string(to_string(p.category)) + " by " + p.author + (p.audience ? " (named)" : "") +
               ": " + name_of(v) + "\n";
    }
    return out;
}

class NeedToKnow : public ::testing::Test {
protected:
    void SetUp() override {
        port = demo_server().server.port();
    }

    // Every member of a table, connected and subscribed before anything is posted.
    std::map<std::string, std::unique_ptr<Member>> seat(Table& t, const std::string& marker) {
        std::map<std::string, std::unique_ptr<Member>> at;
        for (const auto& [slug, role] : t.members) at[slug] = std::make_unique<Member>(slug, port);
        auto& chair = *at.at(t.chair);
        if (t.kind == RoomKind::vt_advies) {
            AdviceOpen open;
            open.adviser = partner("veilig-thuis").oin;
            open.case_ref = "VT-" + marker;
            open.question = marker + " question";
            open.anonymous = false;
            open.persons = {{"p1", PersonRole::child, "Kind"}};
            t.room = *chair.call(open).room;
        } else {
            RoomOpen open;
            open.kind = t.kind;
            open.case_ref = "MATRIX-" + marker;
            open.persons = {{"p1", PersonRole::child, "Kind"}, {"p2", PersonRole::parent, "Ouder"}};
            t.room = *chair.call(open).room;
            for (const auto& [slug, role] : t.members) {
                if (slug == t.chair) continue;
                chair.call(MemberInvite{t.room, partner(slug).oin, role});
            }
            for (const auto& [slug, role] : t.members)
                if (slug != t.chair) at[slug]->call(MemberAccept{t.room});
            chair.call(MemberSetRegisseur{t.room, partner(t.regisseur).oin});
        }
        for (auto& [slug, m] : at) m->subscribe(t.room);
        return at;
    }

    std::uint16_t port = 0;
};

// The organisation that naturally holds each category at a table.
std::string author_of(const Table& t, Category c) {
    if (t.kind == RoomKind::vt_advies) return c == Category::veilig_thuis_report ? "veilig-thuis" : t.chair;
    switch (c) {
        case Category::health: return "ggz";
        case Category::justice: return "politie";
        case Category::youth_protection: return "gi";
        case Category::veilig_thuis_report: return "veilig-thuis";
        case Category::financial: return "lokaal-team";
        default: return "gi";
    }
}

std::map<std::string, Posted> post_everything(const Oracle& oracle, Table& t,
                                               std::map<std::string, std::unique_ptr<Member>>& at,
                                               const std::string& marker) {
    std::map<std::string, Posted> posted;
    auto oins = [](const std::vector<std::string>& slugs) {
        Audience a;
        a.all = false;
        for (const auto& s : slugs) a.organisations.emplace_back(partner(s).oin);
        return a;
    };
    for (std::size_t c = 0; c < EnumNames<Category>::names.size(); ++c) {
        auto category = static_cast<Category>(c);
        std::string author = author_of(t, category);
        auto& m = *at.at(author);
        std::string label = marker + " " + std::string(to_string(category)) + " ";

        ContributionPost open;
        open.room = t.room;
        open.text = label + "contribution to all";
        open.category = category;
        open.persons = List<Token, 50>{Token("p1")};
        posted.emplace(*m.call(open).item, Posted{"", "contribution", category, author, {}, false, open.text});

        if (t.kind == RoomKind::vt_advies) continue;  // two members: a named audience adds nothing there

        // A named audience: the chair and one more organisation the agreement allows, with a
        // signal for the others. Naming one the agreement excludes is refused, not narrowed silently.
        std::vector<std::string> named{t.chair};
        std::optional<std::string> excluded;
        for (const auto& [slug, role] : t.members) {
            if (slug == author || slug == t.chair) continue;
            bool allowed = oracle.allows(t.kind, category, partner(slug).sector, roles_of(t, slug));
            if (allowed && named.size() < 2) named.push_back(slug);
            if (!allowed && !excluded) excluded = slug;
        }
        ContributionPost restricted = open;
        restricted.text = label + "contribution to named";
        if (excluded) {
            restricted.audience = oins({t.chair, *excluded});
            EXPECT_EQ(m.refused(restricted), ErrorCode::invalid_value) << *excluded << " named for " << label;
        }
        restricted.audience = oins(named);
        restricted.signal = Signal{Name(author + " holds " + std::string(to_string(category)) + " information"), {}};
        posted.emplace(*m.call(restricted).item, Posted{"", "contribution", category, author, named, true, restricted.text});

        DecisionRecord decision;
        decision.room = t.room;
        decision.text = label + "decision";
        decision.owner = m.oin();
        decision.due = date_offset(10);
        decision.category = category;
        decision.persons = List<Token, 50>{Token("p1")};
        posted.emplace(*m.call(decision).item, Posted{"", "decision", category, author, {}, false, decision.text});

        // Only the chair or regisseur adds to the safety plan; the author's organisation owns it.
        PlanAgreementAdd plan;
        plan.room = t.room;
        plan.text = label + "plan agreement";
        plan.owner = m.oin();
        plan.checkpoints = {Date(date_offset(2))};
        plan.category = category;
        plan.persons = List<Token, 50>{Token("p1")};
        posted.emplace(*at.at(t.chair)->call(plan).item, Posted{"", "plan", category, t.chair, {}, false, plan.text});
    }
    for (auto& [id, p] : posted) p.id = id;
    return posted;
}

template <class Request>
std::vector<Event> all_pages(Member& m, Request r) {
    std::vector<Event> out;
    for (;;) {
        auto page = m.call(r);
        out.insert(out.end(), page.events.begin(), page.events.end());
        if (!page.next) return out;
        r.after = *page.next;
    }
}

std::vector<ReceivedEvent> as_received(const std::string& room, const std::vector<Event>& events) {
    std::vector<ReceivedEvent> out;
    for (const auto& e : events) out.push_back({room, e.cursor, e.entry});
    return out;
}

Seen filter(const Seen& s, const std::map<std::string, Posted>& posted, const std::string& what) {
    Seen out;
    for (const auto& [id, v] : s)
        if (posted.at(id).what == what) out.emplace(id, v);
    return out;
}

// Checks every path for every member of the table; returns the paths it checked.
std::set<Path> check_table(const Oracle& oracle, Table& t, std::map<std::string, std::unique_ptr<Member>>& at,
                           const std::map<std::string, Posted>& posted, const std::string& marker, std::uint16_t port) {
    std::set<Path> checked;
    for (const auto& partner_ : demo_partners()) {
        const std::string& slug = partner_.slug;
        Seen want;
        for (const auto& [id, p] : posted)
            if (auto v = expected(oracle, t, p, slug); v != View::none) want[id] = v;
        SCOPED_TRACE(std::string(to_string(t.kind)) + " as " + slug);

        if (!at.count(slug)) {
            // Not at the table: nothing through any path, the room itself is not found.
            Member outsider(slug, port);
            EXPECT_EQ(outsider.refused(History{t.room, {}, {}}), ErrorCode::not_found);
            EXPECT_EQ(outsider.refused(PlanGet{t.room}), ErrorCode::not_found);
            EXPECT_TRUE(outsider.call(Search{Name(marker), {}, {}}).hits.empty());
            continue;
        }
        auto& m = *at.at(slug);
        auto expect_path = [&](Path path, const Seen& got, const Seen& wanted) {
            checked.insert(path);
            EXPECT_EQ(describe(got, posted), describe(wanted, posted)) << "path " << static_cast<int>(path);
        };

        expect_path(Path::live, seen_in(m.events(), posted), want);

        Member again(slug, port);
        expect_path(Path::resume, seen_in(again.subscribe(t.room), posted), want);

        expect_path(Path::history, seen_in(as_received(t.room, all_pages(m, History{t.room, {}, {}})), posted), want);
        expect_path(Path::export_, seen_in(as_received(t.room, all_pages(m, RoomExport{t.room, {}, {}})), posted), want);

        Seen found;
        for (const auto& hit : m.call(Search{Name(marker), t.room, Int<1, 200>(200)}).hits)
            if (hit.event.entry.item && posted.count(*hit.event.entry.item))
                found[*hit.event.entry.item] = hit.event.entry.kind == "signal" ? View::signal : View::full;
        expect_path(Path::search, found, full_only(want));

        Seen decisions;
        for (const auto& d : m.call(DecisionList{}).decisions)
            if (d.room == t.room) decisions[d.decision] = View::full;
        expect_path(Path::decisions, decisions, filter(full_only(want), posted, "decision"));

        Seen checkpoints;
        for (const auto& c : m.call(CheckpointsDue{}).checkpoints)
            if (c.room == t.room) checkpoints[c.agreement] = View::full;
        expect_path(Path::checkpoints, checkpoints, filter(full_only(want), posted, "plan"));

        Seen plan;
        for (const auto& a : m.call(PlanGet{t.room}).agreements) plan[a.agreement] = View::full;
        expect_path(Path::plan, plan, filter(full_only(want), posted, "plan"));

        checked.insert(Path::counts);
        auto open_decisions = static_cast<std::int64_t>(filter(full_only(want), posted, "decision").size());
        EXPECT_EQ(m.call(RoomGet{t.room}).summary.open_decisions.value, open_decisions);
        for (const auto& r : m.call(RoomList{}).rooms)
            if (r.room == t.room) {
                EXPECT_EQ(r.open_decisions.value, open_decisions);
            }

        Actor officer{Token("po-" + slug), {}, Name("privacy-officer"), {}};
        SubjectReport report;
        report.room = t.room;
        report.person = Token("p1");
        Seen reported;
        for (const auto& item : m.connection().call(report, {}, officer).items)
            if (item.item && posted.count(*item.item)) reported[*item.item] = View::full;
        expect_path(Path::subject_report, reported, full_only(want));
    }
    return checked;
}

// Every path but `except` was checked (each test runs in a process of its own under CTest).
void expect_all_checked(std::set<Path> checked, std::optional<Path> except = {}) {
    if (except) checked.insert(*except);
    for (Path p : all_paths) EXPECT_TRUE(checked.count(p)) << "path " << static_cast<int>(p) << " was not checked";
}

Table lokale_kamer() {
    Table t{RoomKind::lokale_kamer, "", "gemeente", "lokaal-team", {}};
    for (const char* s : {"gemeente", "politie", "gi", "ggz", "veilig-thuis", "om", "reclassering", "lokaal-team"})
        t.members[s] = Role::participant;
    t.members["gemeente"] = Role::chair;
    t.members["zvh"] = Role::adviser;
    return t;
}

TEST_F(NeedToKnow, LokaleKamerMatrixAndHandoverToMdaPlusPlus) {
    Oracle oracle;
    auto t = lokale_kamer();
    auto at = seat(t, "lk-matrix");
    auto posted = post_everything(oracle, t, at, "lk-matrix");
    auto checked = check_table(oracle, t, at, posted, "lk-matrix", port);

    // Escalation: the chair hands over every contribution; open decisions and plan agreements
    // travel by themselves. In the MDA++ room the MDA++ agreement and the authors' audiences decide.
    RoomEscalate escalate;
    escalate.room = t.room;
    escalate.chair = partner("zvh").oin;
    escalate.reason = "structural violence";
    for (const auto& [id, p] : posted)
        if (p.what == "contribution") escalate.items.emplace_back(id);
    at.at("gemeente")->call(RoomTransition{t.room, RoomState::preparation, "prepare"});
    Table mda{RoomKind::mda, *at.at("gemeente")->call(escalate).room, "zvh", "zvh", {}};
    mda.members = {{"zvh", Role::chair}, {"gemeente", Role::participant}};
    std::map<std::string, std::unique_ptr<Member>> seated;
    seated["zvh"] = std::make_unique<Member>("zvh", port);
    seated["gemeente"] = std::make_unique<Member>("gemeente", port);
    for (const char* s : {"politie", "ggz", "om", "lokaal-team"}) {
        mda.members[s] = Role::participant;
        seated[s] = std::make_unique<Member>(s, port);
        seated["zvh"]->call(MemberInvite{mda.room, partner(s).oin, Role::participant});
        seated[s]->call(MemberAccept{mda.room});
    }
    checked.insert(Path::handover);
    for (auto& [slug, m] : seated) {
        SCOPED_TRACE("mda++ after handover as " + slug);
        Seen got, want;
        for (const auto& e : m->subscribe(mda.room)) {
            if (e.entry.kind != "item.handed_over") continue;
            const auto& original = e.entry.data.at("original_item").as_string();
            got[std::string(original)] = View::full;
        }
        for (const auto& [id, p] : posted)
            if (expected(oracle, mda, p, slug) == View::full) want[id] = View::full;
        EXPECT_EQ(describe(got, posted), describe(want, posted));
    }
    expect_all_checked(checked);
}

TEST_F(NeedToKnow, MdaPlusPlusMatrix) {
    Oracle oracle;
    Table t{RoomKind::mda, "", "zvh", "gi", {}};
    for (const char* s : {"zvh", "politie", "gi", "ggz", "veilig-thuis", "om", "reclassering", "lokaal-team", "gemeente"})
        t.members[s] = Role::participant;
    t.members["zvh"] = Role::chair;
    auto at = seat(t, "mda-matrix");
    auto posted = post_everything(oracle, t, at, "mda-matrix");
    expect_all_checked(check_table(oracle, t, at, posted, "mda-matrix", port), Path::handover);
}

TEST_F(NeedToKnow, VeiligThuisAdviceMatrix) {
    Oracle oracle;
    Table t{RoomKind::vt_advies, "", "ggz", "ggz", {{"ggz", Role::chair}, {"veilig-thuis", Role::adviser}}};
    auto at = seat(t, "vt-matrix");
    auto posted = post_everything(oracle, t, at, "vt-matrix");
    expect_all_checked(check_table(oracle, t, at, posted, "vt-matrix", port), Path::handover);
}

TEST_F(NeedToKnow, EveryRequestTheServerOffersIsClassified) {
    Member m("gemeente", port);
    std::set<std::string> offered;
    for (const auto& t : m.connection().welcome().requests) offered.insert(std::string(t));
    std::set<std::string> classified;
    for (const auto& [type, path] : classification()) classified.insert(type);
    for (const auto& type : offered)
        EXPECT_TRUE(classified.count(type)) << type << " is offered but not classified: which path emits its items?";
    for (const auto& type : classified) EXPECT_TRUE(offered.count(type)) << type << " is classified but not offered";
}

// Rights are checked when an item is emitted: after the agreement changes (SIGHUP reloads it)
// the next delivery follows the new agreement, history included.
TEST(AgreementChange, TakesEffectOnTheNextDeliveryHistoryIncluded) {
    namespace fs = std::filesystem;
    auto path = fs::temp_directory_path() / ("kamer-agreement-" + std::to_string(::getpid()) + ".json");
    std::ifstream in(source_dir() + "/server/config/convenant.json");
    std::stringstream original;
    original << in.rdbuf();
    auto doc = json::parse(original.str()).as_object();
    doc["version"] = "test.1";
    std::ofstream(path) << json::serialize(doc);

    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"policy.agreement", path.string()}});
    Member gemeente("gemeente", server.port()), politie("politie", server.port()), ggz("ggz", server.port());
    RoomOpen open;
    open.case_ref = "CHANGE-1";
    auto room = *gemeente.call(open).room;
    for (Member* m : {&politie, &ggz}) {
        gemeente.call(MemberInvite{room, m->oin(), Role::participant});
        m->call(MemberAccept{room});
    }
    politie.subscribe(room);
    ContributionPost health{room, {}, {}, "health before the change", Category::health, {}, {}, {}, {}};
    ggz.call(health);
    EXPECT_TRUE(texts(politie.events()).empty());
    EXPECT_EQ(politie.call(AgreementGet{}).version, "test.1");

    // The parties agree that the police receive health information at a lokale kamer.
    auto& sectors = doc["kinds"].as_object()["lokale-kamer"].as_object()["categories"].as_object()["health"]
                        .as_object()["sectors"].as_array();
    sectors.emplace_back("politie");
    doc["version"] = "test.2";
    std::ofstream(path, std::ios::trunc) << json::serialize(doc);
    server.send_signal(SIGHUP);
    ASSERT_TRUE(server.wait_for_log({"agreement.loaded", "test.2"}));
    EXPECT_EQ(politie.call(AgreementGet{}).version, "test.2");

    health.text = "health after the change";
    ggz.call(health);
    EXPECT_EQ(texts(politie.events()), std::vector<std::string>{"health after the change"});
    std::vector<std::string> history;
    for (const auto& e : politie.call(History{room, {}, {}}).events)
        if (e.entry.data.contains("text")) history.emplace_back(e.entry.data.at("text").as_string());
    EXPECT_EQ(history, (std::vector<std::string>{"health before the change", "health after the change"}));

    // A broken file keeps the agreement in force.
    std::ofstream(path, std::ios::trunc) << "{ not json";
    server.send_signal(SIGHUP);
    EXPECT_TRUE(server.wait_for_log({"agreement.reload_failed"}));
    EXPECT_EQ(politie.call(AgreementGet{}).version, "test.2");
    fs::remove(path);
}

}  // namespace
}  // namespace kamer::test
