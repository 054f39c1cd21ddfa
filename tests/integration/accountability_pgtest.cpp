// Accountability end to end: signals and access requests, correction and redaction, the
// disclosure log (append-only for the server's role, tampering found by `kamerd audit verify`),
// data-subject reports against what was really delivered, and retention.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <future>
#include <pqxx/pqxx>
#include <set>

#include "audit/disclosure_log.hpp"
#include "harness.hpp"
#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "member.hpp"
#include "store/database.hpp"
#include "store/room_store.hpp"

namespace kamer::test {
namespace {

using namespace protocol;
namespace json = boost::json;

// zvh runs the service in these tests: its organisation has the operator role.
void make_operator(const TestDatabase& db, const std::string& slug) {
    auto c = server::store::connect(db.owner_url());
    pqxx::work tx(*c);
    tx.exec_params("UPDATE organisations SET operator = true WHERE oin = $1", partner(slug).oin);
    tx.commit();
}

const std::string suspended_oin = "00000004000000099000";

struct Environment {
    TestDatabase database;
    std::unique_ptr<Kamerd> server;
    Environment() {
        database.register_demo_partners();
        make_operator(database, "zvh");
        database.register_organisation(suspended_oin, "Stichting Opgeheven", Sector::lokaal_team,
                                       OrganisationStatus::suspended);
        server = std::make_unique<Kamerd>(database);
    }
};

struct Run {
    int status;
    std::string out;
};
// Runs `kamerd -c <the server's config> args...` and captures its standard output.
Run kamerd_command(const Kamerd& server, const std::string& args) {
    std::string command = std::string(KAMERD_PATH) + " -c " + server.directory() + "/kamerd.conf " + args + " 2>/dev/null";
    FILE* p = popen(command.c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

Actor privacy_officer(const std::string& slug) { return Actor{Token("po-" + slug), {}, Name("privacy-officer"), {}}; }

class Accountability : public ::testing::Test {
protected:
    void SetUp() override {
        static Environment environment;
        env = &environment;
        port = environment.server->port();
    }

    std::string open_room(Member& chair, std::vector<Member*> members) {
        RoomOpen open;
        open.case_ref = "ACC-" + std::to_string(++counter);
        open.persons = {{"p1", PersonRole::child, "Kind"}, {"p2", PersonRole::ex_partner, "Ex-partner"}};
        auto room = *chair.call(open).room;
        for (auto* m : members) {
            chair.call(MemberInvite{room, m->oin(), Role::participant});
            m->call(MemberAccept{room});
        }
        return room;
    }

    std::string post(Member& author, const std::string& room, const std::string& text, Category category,
                     std::optional<Signal> signal = {}, std::vector<std::string> persons = {"p1"}) {
        ContributionPost p;
        p.room = room;
        p.text = text;
        p.category = category;
        p.persons = List<Token, 50>(persons.begin(), persons.end());
        p.signal = std::move(signal);
        return *author.call(p).item;
    }

    Environment* env = nullptr;
    std::uint16_t port = 0;
    int counter = 0;
};

const ReceivedEvent* find_item(const std::vector<ReceivedEvent>& events, const std::string& item, const std::string& kind) {
    for (const auto& e : events)
        if (e.entry.item && *e.entry.item == item && e.entry.kind == kind) return &e;
    return nullptr;
}

std::vector<ReceivedEvent> history_of(Member& m, const std::string& room) {
    std::vector<ReceivedEvent> out;
    for (const auto& e : m.call(History{room, {}, Int<1, 500>(500)}).events) out.push_back({room, e.cursor, e.entry});
    return out;
}

TEST_F(Accountability, SignalThenAccessRequestGrantAndRefusal) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port), gi("gi", port);
    auto room = open_room(gemeente, {&politie, &ggz, &gi});
    for (auto* m : {&politie, &ggz, &gi}) m->subscribe(room);

    auto item = post(politie, room, "earlier domestic violence reports about the ex-partner", Category::justice,
                     Signal{Name("Politie holds justice information about the ex-partner"), {}}, {"p2"});
    // GGZ and GI see that the police know something, not what.
    for (auto* m : {&ggz, &gi}) {
        auto seen = m->events();
        auto* signal = find_item(seen, item, "signal");
        ASSERT_NE(signal, nullptr) << m->slug();
        EXPECT_EQ(json::serialize(signal->entry.data), R"({"text":"Politie holds justice information about the ex-partner"})");
        EXPECT_EQ(find_item(seen, item, "contribution.posted"), nullptr);
        EXPECT_EQ(texts(seen), std::vector<std::string>{"Politie holds justice information about the ex-partner"})
            << "only the signal's text reaches " << m->slug();
    }
    EXPECT_NE(find_item(politie.events(), item, "contribution.posted"), nullptr);

    // Asking needs a signal: an unknown item does not exist, a visible one is a conflict.
    EXPECT_EQ(ggz.refused(AccessRequest{room, "00000000-0000-4000-8000-000000000000", "why"}), ErrorCode::not_found);
    EXPECT_EQ(politie.refused(AccessRequest{room, item, "mine"}), ErrorCode::conflict);

    auto ggz_request = *ggz.call(AccessRequest{room, item, "treatment plan depends on the risk"}).item;
    auto gi_request = *gi.call(AccessRequest{room, item, "curious"}).item;
    // The owner sees the requests; the other requester does not.
    auto owner_sees = politie.events();
    EXPECT_NE(find_item(owner_sees, item, "access.requested"), nullptr);
    EXPECT_EQ(find_item(gi.events(), item, "access.requested")->entry.data.at("request").as_string(), gi_request);

    // Only the owning organisation decides.
    EXPECT_EQ(gemeente.refused(AccessDecide{room, ggz_request, true, "art. 5.3 convenant", "chair"}), ErrorCode::not_found);
    EXPECT_EQ(ggz.refused(AccessDecide{room, ggz_request, true, "self", "self"}), ErrorCode::forbidden);

    politie.call(AccessDecide{room, ggz_request, true, "convenant art. 7: needed for the safety assessment", "granted"});
    politie.call(AccessDecide{room, gi_request, false, "convenant art. 7", "not needed for youth protection now"});
    EXPECT_EQ(politie.refused(AccessDecide{room, gi_request, true, "x", "again"}), ErrorCode::conflict);

    // GGZ is told and receives the item with the decision; GI is told it was refused.
    auto ggz_seen = ggz.events();
    auto* granted = find_item(ggz_seen, item, "access.decided");
    ASSERT_NE(granted, nullptr);
    EXPECT_TRUE(granted->entry.data.at("granted").as_bool());
    EXPECT_EQ(granted->entry.data.at("disclosed").at("data").at("text").as_string(),
              "earlier domestic violence reports about the ex-partner");
    auto gi_seen = gi.events();
    auto* refused = find_item(gi_seen, item, "access.decided");
    ASSERT_NE(refused, nullptr);
    EXPECT_FALSE(refused->entry.data.at("granted").as_bool());
    EXPECT_FALSE(refused->entry.data.contains("disclosed"));
    EXPECT_EQ(find_item(gi_seen, item, "access.decided")->entry.data.at("requester").at("oin").as_string(), gi.oin());
    for (const auto& e : gi_seen) EXPECT_NE(e.entry.data.at("request").as_string(), ggz_request) << "GI sees GGZ's decision";

    // From the grant on, history gives GGZ the item itself; GI keeps the signal only.
    EXPECT_NE(find_item(history_of(ggz, room), item, "contribution.posted"), nullptr);
    EXPECT_EQ(find_item(history_of(gi, room), item, "contribution.posted"), nullptr);
    EXPECT_NE(find_item(history_of(gi, room), item, "signal"), nullptr);
    // The grant is for GGZ only: a later correction reaches GGZ, not GI.
    politie.call(ItemCorrect{room, item, "reports about the ex-partner, 2024-2026", "period added"});
    EXPECT_NE(find_item(ggz.events(), item, "item.corrected"), nullptr);
    EXPECT_EQ(find_item(gi.events(), item, "item.corrected"), nullptr);

    // Withdrawn: GGZ is told, and from then on sees the signal again, in history too.
    EXPECT_EQ(ggz.refused(AccessWithdraw{room, ggz_request, "mine"}), ErrorCode::forbidden);
    EXPECT_EQ(politie.refused(AccessWithdraw{room, gi_request, "never granted"}), ErrorCode::conflict);
    politie.call(AccessWithdraw{room, ggz_request, "the safety assessment is done"});
    EXPECT_NE(find_item(ggz.events(), item, "access.withdrawn"), nullptr);
    auto after = history_of(ggz, room);
    EXPECT_EQ(find_item(after, item, "contribution.posted"), nullptr);
    EXPECT_EQ(find_item(after, item, "item.corrected"), nullptr);
    EXPECT_NE(find_item(after, item, "signal"), nullptr);
    politie.call(ItemCorrect{room, item, "reports about the ex-partner, 2023-2026", "period corrected"});
    EXPECT_EQ(find_item(ggz.events(), item, "item.corrected"), nullptr);
}

TEST_F(Accountability, CorrectionReachesRecipientsAndRedactionKeepsTheRecordOfDisclosure) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port);
    auto room = open_room(gemeente, {&politie, &ggz});
    for (auto* m : {&gemeente, &politie, &ggz}) m->subscribe(room);
    auto item = post(ggz, room, "in treatment since March", Category::health);
    ggz.call(ItemCorrect{room, item, "in treatment since February", "wrong month"});

    auto chair_seen = gemeente.events();
    auto* corrected = find_item(chair_seen, item, "item.corrected");
    ASSERT_NE(corrected, nullptr);
    EXPECT_EQ(corrected->entry.version->value, 2);
    EXPECT_EQ(corrected->entry.data.at("text").as_string(), "in treatment since February");
    // Police may not see health information: neither the item nor that it was corrected.
    EXPECT_TRUE(politie.events().empty());
    EXPECT_EQ(politie.refused(ItemCorrect{room, item, "x", {}}), ErrorCode::not_found);

    ggz.call(ItemRedact{room, item, "recorded in the wrong case"});
    EXPECT_NE(find_item(gemeente.events(), item, "item.redacted"), nullptr);
    for (const auto& e : history_of(gemeente, room)) {
        if (!e.entry.item || *e.entry.item != item || e.entry.kind == "item.redacted") continue;
        EXPECT_TRUE(e.entry.redacted.value_or(false)) << e.entry.kind;
        EXPECT_EQ(json::serialize(e.entry.data).find("treatment"), std::string::npos) << e.entry.kind;
    }
    // The record of who received the item stays, for the data-subject report.
    SubjectReport report;
    report.room = room;
    report.person = Token("p1");
    auto result = ggz.connection().call(report, {}, privacy_officer("ggz"));
    ASSERT_EQ(result.items.size(), 1u);
    std::set<std::string> receivers;
    for (const auto& d : result.items[0].disclosures) receivers.insert(std::string(d.organisation));
    EXPECT_TRUE(receivers.count(gemeente.oin()));
    EXPECT_FALSE(receivers.count(politie.oin()));
}

TEST_F(Accountability, SubjectReportListsExactlyTheDisclosuresThatHappened) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port), vt("veilig-thuis", port),
        gi("gi", port);
    auto room = open_room(gemeente, {&politie, &ggz, &vt, &gi});
    for (auto* m : {&politie, &ggz, &vt, &gi}) m->subscribe(room);
    auto health = post(ggz, room, "diagnosis of the child", Category::health);
    auto justice = post(politie, room, "incident at school", Category::justice);
    auto other = post(gi, room, "about the ex-partner only", Category::general, {}, {"p2"});

    // Who really received each item, as seen on the wire (live, then a history read by VT).
    std::map<std::string, std::set<std::string>> received;
    for (auto* m : {&politie, &ggz, &vt, &gi})
        for (const auto& e : m->events())
            if (e.entry.item && e.entry.kind == "contribution.posted") received[*e.entry.item].insert(m->oin());
    for (const auto& e : history_of(vt, room))
        if (e.entry.item && e.entry.kind == "contribution.posted") received[*e.entry.item].insert(vt.oin());

    SubjectReport report;
    report.room = room;
    report.person = Token("p1");
    EXPECT_EQ(gemeente.refused(report), ErrorCode::forbidden) << "only the privacy officer";
    auto result = gemeente.connection().call(report, {}, privacy_officer("gemeente"));
    std::map<std::string, std::set<std::string>> reported;
    for (const auto& i : result.items) {
        ASSERT_TRUE(i.item);
        for (const auto& d : i.disclosures)
            if (d.organisation != gemeente.oin() && d.view == "full") reported[*i.item].insert(std::string(d.organisation));
    }
    // Items about p1 only; each with exactly the organisations that received it.
    EXPECT_FALSE(reported.count(other));
    EXPECT_EQ(reported[health], received[health]);
    EXPECT_EQ(reported[justice], received[justice]);
    EXPECT_EQ(received[health], (std::set<std::string>{ggz.oin(), vt.oin()}));
    EXPECT_EQ(received[justice], (std::set<std::string>{politie.oin(), vt.oin()}));

    // The police's privacy officer gets no report of the health item it could not see.
    auto police_report = politie.connection().call(report, {}, privacy_officer("politie"));
    for (const auto& i : police_report.items) EXPECT_NE(*i.item, health);
}

// What the disclosure log holds about one item and one organisation: "how view basis" per record.
std::multiset<std::string> logged(const TestDatabase& db, const std::string& room, const std::string& item,
                                  const std::string& oin) {
    auto c = server::store::connect(db.owner_url());
    pqxx::read_transaction tx(*c);
    std::multiset<std::string> out;
    for (const auto& row : tx.exec_params("SELECT d.body FROM disclosures d JOIN rooms r ON r.id = d.room_id"
                                          " WHERE r.public_id = $1::uuid ORDER BY d.seq",
                                          room)) {
        auto body = json::parse(row[0].c_str()).as_object();
        for (const auto& rec : body.at("records").as_array()) {
            const auto& o = rec.as_object();
            auto* i = o.if_contains("i");
            if (i && i->as_string() == item && o.at("o").as_string() == oin)
                out.insert(std::string(body.at("how").as_string()) + " " + std::string(o.at("v").as_string()) + " " +
                           std::string(o.at("b").as_string()));
        }
    }
    return out;
}

// Listings, search and reports show full items only. An item a member may see only as its
// signal is left out of them, and the log says it was withheld there, not that a signal went.
TEST_F(Accountability, ListingsSearchAndReportsLogAsWithheldWhatTheyLeaveOut) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port);
    auto room = open_room(gemeente, {&politie, &ggz});
    DecisionRecord d;
    d.room = room;
    d.text = "signal-only-marker: the ex-partner will be prosecuted";
    d.owner = politie.oin();
    d.due = date_offset(10);
    d.category = Category::justice;
    d.persons = List<Token, 50>{Token("p1")};
    d.signal = Signal{Name("Politie has taken a justice decision"), {}};
    auto item = *politie.call(d).item;

    for (const auto& x : ggz.call(DecisionList{}).decisions) EXPECT_NE(x.decision, item);
    EXPECT_TRUE(ggz.call(Search{Name("signal-only-marker"), room, {}}).hits.empty());
    SubjectReport report;
    report.room = room;
    report.person = Token("p1");
    for (const auto& i : ggz.connection().call(report, {}, privacy_officer("ggz")).items) EXPECT_NE(*i.item, item);
    EXPECT_EQ(logged(env->database, room, item, ggz.oin()),
              (std::multiset<std::string>{"listing withheld withheld:signal-only", "report withheld withheld:signal-only",
                                          "search withheld withheld:signal-only"}));

    // Live, the signal itself goes to GGZ, and is logged as such.
    auto seen = ggz.subscribe(room);
    ASSERT_NE(find_item(seen, item, "signal"), nullptr);
    EXPECT_EQ(logged(env->database, room, item, ggz.oin()).count("resume signal signal"), 1u);

    // The police, who may see the decision, find it in the listing.
    bool listed = false;
    for (const auto& x : politie.call(DecisionList{}).decisions) listed = listed || x.decision == item;
    EXPECT_TRUE(listed);
    EXPECT_EQ(logged(env->database, room, item, politie.oin()).count("listing full author"), 1u);
}

// The organisation is accountable through its certificate; the professional acting for it is
// stated per session (hello) or per message, shown with its entries and logged as receiver.
TEST_F(Accountability, TheActingProfessionalIsRecordedPerSessionOrPerMessage) {
    auto session_actor = Actor{Token("ggz-j.devries"), Name("J. de Vries"), Name("behandelaar"), {}};
    auto options = client_options("ggz", port);
    options.actor = session_actor;
    client::BlockingConnection ggz(options);
    Member gemeente("gemeente", port);
    auto room = open_room(gemeente, {});
    gemeente.call(MemberInvite{room, partner("ggz").oin, Role::participant});
    ggz.call(MemberAccept{room});
    gemeente.subscribe(room);

    ContributionPost p;
    p.room = room;
    p.text = "posted under the session's professional";
    p.persons = List<Token, 50>{Token("p1")};
    ggz.call(p);
    p.text = "posted for a colleague";
    auto colleague = Actor{Token("ggz-a.bakker"), Name("A. Bakker"), Name("psychiater"), Name("team west")};
    ggz.call(p, {}, colleague);

    std::map<std::string, std::string> actor_of;
    for (const auto& e : gemeente.events())
        if (e.entry.kind == "contribution.posted") actor_of[std::string(e.entry.data.at("text").as_string())] =
            e.entry.actor ? std::string(e.entry.actor->id) : "";
    EXPECT_EQ(actor_of["posted under the session's professional"], "ggz-j.devries");
    EXPECT_EQ(actor_of["posted for a colleague"], "ggz-a.bakker");

    // The receiving professional is in the disclosure log: the chair's officer sees who read it.
    protocol::History h;
    h.room = room;
    gemeente.connection().call(h, {}, Actor{Token("gem-k.jansen"), {}, Name("procesregisseur"), {}});
    SubjectReport report;
    report.room = room;
    report.person = Token("p1");
    std::set<std::string> actors;
    for (const auto& item : gemeente.connection().call(report, {}, privacy_officer("gemeente")).items)
        for (const auto& d : item.disclosures)
            if (d.organisation == gemeente.oin() && d.actor) actors.insert(std::string(*d.actor));
    EXPECT_TRUE(actors.count("gem-k.jansen"));
}

std::int64_t disclosure_rows(const TestDatabase& db) {
    auto c = server::store::connect(db.owner_url());
    pqxx::read_transaction tx(*c);
    return tx.exec1("SELECT count(*) FROM disclosures")[0].as<std::int64_t>();
}

bool lists(const RetentionResult& r, const std::string& room) {
    for (const auto& e : r.rooms)
        if (e.room == room) return true;
    return false;
}

TEST_F(Accountability, RegistryListsActivePartnersByNameAndOperatorsAlsoSeeSuspendedOnes) {
    Member gemeente("gemeente", port), zvh("zvh", port);
    auto seen = gemeente.call(RegistryList{});
    ASSERT_EQ(seen.organisations.size(), demo_partners().size());
    for (std::size_t i = 1; i < seen.organisations.size(); ++i)
        EXPECT_LT(std::string(seen.organisations[i - 1].name), std::string(seen.organisations[i].name));
    for (const auto& o : seen.organisations) {
        EXPECT_EQ(o.status, OrganisationStatus::active);
        auto p = std::find_if(demo_partners().begin(), demo_partners().end(), [&](const auto& d) { return d.oin == o.oin; });
        ASSERT_NE(p, demo_partners().end()) << o.oin;
        EXPECT_EQ(std::string(o.name), p->name);
        EXPECT_EQ(o.sector, p->sector);
    }
    auto all = zvh.call(RegistryList{});
    ASSERT_EQ(all.organisations.size(), demo_partners().size() + 1);
    bool found = false;
    for (const auto& o : all.organisations)
        if (o.oin == suspended_oin) found = o.status == OrganisationStatus::suspended;
    EXPECT_TRUE(found);
}

TEST_F(Accountability, RetentionRemovesTheContentOfAClosedRoomPastItsTerm) {
    Member gemeente("gemeente", port), politie("politie", port), zvh("zvh", port);
    auto room = open_room(gemeente, {&politie});
    post(politie, room, "retention-secret details", Category::justice);
    for (auto to : {RoomState::preparation, RoomState::in_consultation, RoomState::monitoring, RoomState::closed})
        gemeente.call(RoomTransition{room, to, "next step"});

    EXPECT_EQ(gemeente.refused(RetentionRun{true}), ErrorCode::forbidden) << "retention is for operators";
    EXPECT_FALSE(lists(zvh.call(RetentionRun{true}), room)) << "closed today: within its term";

    // Five years and a day later (the default term for a lokale kamer is 1825 days).
    {
        auto c = server::store::connect(env->database.owner_url());
        pqxx::work tx(*c);
        tx.exec_params("UPDATE rooms SET closed_at = closed_at - interval '1826 days' WHERE public_id = $1::uuid", room);
        tx.commit();
    }
    auto dry = zvh.call(RetentionRun{true});
    EXPECT_TRUE(dry.dry_run);
    EXPECT_TRUE(lists(dry, room));
    auto before = history_of(politie, room);
    EXPECT_EQ(texts(before), std::vector<std::string>{"retention-secret details"}) << "a dry run removes nothing";

    auto rows = disclosure_rows(env->database);
    auto run = zvh.call(RetentionRun{false});
    EXPECT_FALSE(run.dry_run);
    EXPECT_TRUE(lists(run, room));

    // The content and what identifies persons are gone from every read path...
    for (Member* m : {&gemeente, &politie}) {
        for (const auto& e : history_of(*m, room)) {
            auto data = json::serialize(e.entry.data);
            EXPECT_EQ(data.find("retention-secret"), std::string::npos) << e.entry.kind;
            EXPECT_EQ(data.find("Ex-partner"), std::string::npos) << e.entry.kind;
            EXPECT_FALSE(e.entry.persons) << e.entry.kind;
        }
        for (const auto& r : m->call(RoomList{}).rooms) EXPECT_NE(r.room, room);
        EXPECT_TRUE(m->call(Search{Name("retention-secret"), {}, {}}).hits.empty());
    }
    // ...while the disclosure log keeps its metadata, intact.
    EXPECT_EQ(disclosure_rows(env->database), rows + 2) << "only the two history reads above were logged";
    auto audit = zvh.call(AuditVerify{});
    EXPECT_TRUE(audit.intact);
    EXPECT_FALSE(lists(zvh.call(RetentionRun{true}), room)) << "a purged room is not listed again";
}

// A database of its own: this test breaks the chain on purpose.
TEST(DisclosureLog, IsAppendOnlyForTheServerRoleAndTamperingIsFoundByVerify) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    {
        Member gemeente("gemeente", server.port()), ggz("ggz", server.port());
        RoomOpen open;
        open.case_ref = "TAMPER-1";
        auto room = *gemeente.call(open).room;
        gemeente.call(MemberInvite{room, ggz.oin(), Role::participant});
        ggz.call(MemberAccept{room});
        // Enough rows for verify to read them in more than one page.
        for (int i = 0; i < 15; ++i) {
            ggz.subscribe(room);
            ggz.call(Unsubscribe{room});
        }
    }
    auto intact = kamerd_command(server, "audit verify --json");
    ASSERT_EQ(intact.status, 0) << intact.out;
    auto summary = json::parse(intact.out).as_object();
    EXPECT_TRUE(summary.at("intact").as_bool());
    {
        auto c = server::store::connect(database.owner_url());
        pqxx::work tx(*c);
        auto stored = tx.exec1("SELECT count(*), sum(records) FROM disclosures");
        ASSERT_GE(stored[0].as<std::int64_t>(), 15);
        EXPECT_EQ(summary.at("rows").as_int64(), stored[0].as<std::int64_t>());
        EXPECT_EQ(summary.at("records").as_int64(), stored[1].as<std::int64_t>());
    }

    // The server's own role can neither change nor remove a row.
    {
        auto c = server::store::connect(database.runtime_url());
        for (const char* sql : {"UPDATE disclosures SET body = body WHERE seq = 2", "DELETE FROM disclosures WHERE seq = 2",
                                "TRUNCATE disclosures"}) {
            pqxx::work tx(*c);
            EXPECT_THROW(tx.exec(sql), pqxx::sql_error) << sql;
        }
    }
    // The schema owner can, after dropping the guard: hide that GGZ received something (in the
    // last of its rows, past the first page). Verify names the first row that no longer matches
    // its hash.
    std::int64_t tampered = 0;
    {
        auto c = server::store::connect(database.owner_url());
        pqxx::work tx(*c);
        tampered = tx.exec_params1("SELECT max(seq) FROM disclosures WHERE body LIKE '%' || $1 || '%'",
                                   partner("ggz").oin)[0].as<std::int64_t>();
        tx.exec("ALTER TABLE disclosures DISABLE TRIGGER disclosures_no_update");
        tx.exec_params("UPDATE disclosures SET body = replace(body, $1, $2) WHERE seq = $3", partner("ggz").oin,
                       partner("politie").oin, tampered);
        tx.commit();
    }
    auto broken = kamerd_command(server, "audit verify --json");
    EXPECT_EQ(broken.status, 1) << broken.out;
    auto report = json::parse(broken.out).as_object();
    EXPECT_FALSE(report.at("intact").as_bool());
    EXPECT_EQ(report.at("first_broken").as_int64(), tampered);
    auto text = kamerd_command(server, "audit verify");
    EXPECT_NE(text.out.find("BROKEN at row " + std::to_string(tampered)), std::string::npos) << text.out;
}

// The writer locks the rooms it changes while the disclosure log writes rows that refer to
// rooms. Under load the two deadlocked (the writer's FOR UPDATE against the foreign-key checks
// of a disclosure row naming several rooms); the log must not wait for the writer at all.
TEST(DisclosureLog, WritesWhileTheWriterHoldsTheRoomItRefersTo) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    Member gemeente("gemeente", server.port());
    RoomOpen open;
    open.case_ref = "LOCK-1";
    auto room = *gemeente.call(open).room;

    auto writer = server::store::connect(database.runtime_url());
    server::store::prepare_writes(*writer);
    server::store::BatchTransaction locked(*writer);
    auto heads = server::store::start_batch(locked, {}, {room}).rooms;
    ASSERT_EQ(heads.size(), 1u);

    server::audit::DisclosureLog log(database.runtime_url(), {});
    log.start();
    std::promise<bool> committed;
    server::audit::Batch batch{heads[0].id, room, "live", "case-consultation", {}, {}};
    batch.records.push_back({1, "", "room.opened", {}, {}, partner("gemeente").oin, "", "", "chair",
                             server::policy::View::full, "member"});
    batch.done = [&](bool ok) { committed.set_value(ok); };
    ASSERT_TRUE(log.submit(std::move(batch)));
    auto outcome = committed.get_future();
    bool in_time = outcome.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    locked.rollback();
    EXPECT_TRUE(in_time) << "the disclosure row waited for the writer's lock";
    if (!in_time) outcome.wait();
    EXPECT_TRUE(outcome.get());
    log.stop();
}

}  // namespace
}  // namespace kamer::test
