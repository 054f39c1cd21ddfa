// A complete lokale kamer case with four partner organisations, from referral to closing,
// escalation to MDA++ and back; a Veilig Thuis advice that becomes a report.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "harness.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "member.hpp"

namespace kamer::test {
namespace {

using namespace protocol;

Audience all() { return Audience{}; }

class Case : public ::testing::Test {
protected:
    void SetUp() override {
        port = demo_server().server.port();
    }
    std::uint16_t port = 0;
};

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST_F(Case, LokaleKamerFromReferralToClosingWithEscalationAndBack) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port), gi("gi", port);

    RoomOpen open;
    open.kind = RoomKind::lokale_kamer;
    open.case_ref = "RW-2026-0142";
    open.title = "Gezin aan de Vliet";
    open.persons = {{"p1", PersonRole::parent, "Moeder A"}, {"p2", PersonRole::child, "Kind B"},
                    {"p3", PersonRole::ex_partner, "Vader C"}};
    auto room = *gemeente.call(open).room;

    // Invitations, accepted; the invited see an invitation notice.
    for (auto* m : {&politie, &ggz, &gi}) {
        gemeente.call(MemberInvite{room, m->oin(), Role::participant});
        m->call(MemberAccept{room});
    }
    EXPECT_FALSE(politie.notices.empty() && politie.connection().receive(std::chrono::seconds(2)) == std::nullopt);
    for (auto* m : {&gemeente, &politie, &ggz, &gi}) m->subscribe(room);

    gemeente.call(RoomTransition{room, RoomState::preparation, "referral accepted by the chair"});

    // A meeting with agenda and attendance.
    MeetingSchedule schedule;
    schedule.room = room;
    schedule.at = "2026-12-01T09:00:00Z";
    schedule.title = "Eerste bespreking";
    schedule.agenda = {"Kennismaking", "Verklarende analyse", "Veiligheidsplan"};
    auto meeting = gemeente.call(schedule);
    gemeente.call(MeetingStart{room, meeting.meeting});
    gemeente.call(AttendanceRecord{room, meeting.meeting, politie.oin(), Presence::present});
    gemeente.call(AttendanceRecord{room, meeting.meeting, ggz.oin(), Presence::present});
    gemeente.call(AttendanceRecord{room, meeting.meeting, gi.oin(), Presence::excused});

    // Contributions per agenda item, in different categories.
    auto contribute = [&](Member& m, const std::string& agenda, const std::string& text, Category c,
                          std::vector<std::string> persons) {
        ContributionPost p;
        p.room = room;
        p.meeting = meeting.meeting;
        p.agenda_item = agenda;
        p.text = text;
        p.category = c;
        p.persons = List<Token, 50>(persons.begin(), persons.end());
        return *m.call(p).item;
    };
    auto justice = contribute(politie, meeting.agenda[0], "Three incident reports at the address", Category::justice, {"p3"});
    contribute(ggz, meeting.agenda[0], "Mother in outpatient treatment", Category::health, {"p1"});
    contribute(gi, meeting.agenda[0], "Supervision order for the child", Category::youth_protection, {"p2"});
    contribute(gemeente, meeting.agenda[0], "Family receives debt counselling", Category::financial, {"p1"});
    gemeente.call(RoomTransition{room, RoomState::in_consultation, "first meeting"});

    // The explanatory analysis, edited in turn.
    auto v1 = gemeente.call(AnalysisEdit{room, 0, "Escalating conflict after the separation.", {}});
    EXPECT_EQ(*v1.version, 1);
    auto v2 = ggz.call(AnalysisEdit{room, 1, "Escalating conflict after the separation; mother's stress.", {}});
    EXPECT_EQ(*v2.version, 2);
    EXPECT_EQ(gi.refused(AnalysisEdit{room, 1, "stale edit", {}}), ErrorCode::stale_version);

    // Decisions: one due tomorrow, one already overdue.
    DecisionRecord d1;
    d1.room = room;
    d1.meeting = meeting.meeting;
    d1.text = "Arrange a home visit";
    d1.owner = gi.oin();
    d1.due = date_offset(1);
    auto home_visit = *gemeente.call(d1).item;
    DecisionRecord d2 = d1;
    d2.text = "Share the incident timeline with the chair";
    d2.owner = politie.oin();
    d2.due = date_offset(-2);
    d2.category = Category::justice;
    auto timeline = *gemeente.call(d2).item;
    auto open_decisions = gi.call(DecisionList{});
    ASSERT_EQ(open_decisions.decisions.size(), 1u) << "gi must not see the justice decision";
    EXPECT_EQ(open_decisions.decisions[0].status, DecisionStatus::open);
    auto overdue = politie.call(DecisionList{DecisionStatus::overdue, std::nullopt, std::nullopt});
    ASSERT_EQ(overdue.decisions.size(), 1u);
    EXPECT_EQ(overdue.decisions[0].decision, timeline);
    gi.call(DecisionComplete{room, home_visit, "visit took place"});
    EXPECT_TRUE(gi.call(DecisionList{}).decisions.empty());

    // The safety plan with a failed checkpoint.
    PlanAgreementAdd agreement;
    agreement.room = room;
    agreement.text = "Father keeps away from the house";
    agreement.owner = politie.oin();
    agreement.checkpoints = {date_offset(0), date_offset(14)};
    auto keep_away = *gemeente.call(agreement).item;
    auto due = politie.call(CheckpointsDue{});
    ASSERT_EQ(due.checkpoints.size(), 1u);
    EXPECT_EQ(due.checkpoints[0].date, date_offset(0));
    EXPECT_EQ(ggz.refused(CheckpointReport{room, keep_away, date_offset(0), true, {}}), ErrorCode::forbidden);
    EXPECT_EQ(politie.refused(CheckpointReport{room, keep_away, date_offset(14), true, {}}), ErrorCode::invalid_value);
    politie.call(CheckpointReport{room, keep_away, date_offset(0), false, "incident on the 3rd"});
    auto plan = ggz.call(PlanGet{room});
    ASSERT_EQ(plan.agreements.size(), 1u);
    EXPECT_EQ(plan.broken, 1);
    EXPECT_EQ(plan.agreements[0].status, AgreementStatus::broken);
    EXPECT_EQ(plan.agreements[0].checkpoints[0].status, CheckpointStatus::failed);
    EXPECT_EQ(plan.next_checkpoint, date_offset(14));

    gemeente.call(MeetingClose{room, meeting.meeting, "Plan agreed"});
    gemeente.call(RoomTransition{room, RoomState::monitoring, "plan in place"});

    // Every member saw the meeting; only the right ones saw each contribution.
    auto seen = [](Member& m) { return texts(m.events()); };
    auto g = seen(gemeente), p = seen(politie), h = seen(ggz), y = seen(gi);
    EXPECT_TRUE(has(g, "Three incident reports at the address") && has(g, "Mother in outpatient treatment"));
    EXPECT_TRUE(has(p, "Three incident reports at the address") && !has(p, "Mother in outpatient treatment"));
    EXPECT_TRUE(has(h, "Mother in outpatient treatment") && !has(h, "Three incident reports at the address"));
    EXPECT_TRUE(has(y, "Supervision order for the child") && !has(y, "Family receives debt counselling"));
    EXPECT_TRUE(has(y, "Escalating conflict after the separation; mother's stress."));

    // Escalation to the MDA++ table of the Zorg- en Veiligheidshuis.
    Member zvh("zvh", port), om("om", port);
    RoomEscalate up;
    up.room = room;
    up.chair = zvh.oin();
    up.items = {justice};
    up.reason = "Structural violence: needs the MDA++ table";
    auto mda = *gemeente.call(up).room;
    auto detail = zvh.call(RoomGet{mda});
    EXPECT_EQ(detail.summary.kind, RoomKind::mda);
    EXPECT_EQ(detail.summary.my_role, Role::chair);
    EXPECT_EQ(*detail.parent, room);
    zvh.call(MemberInvite{mda, om.oin(), Role::participant});
    om.call(MemberAccept{mda});
    auto zvh_saw = zvh.subscribe(mda), om_saw = om.subscribe(mda);
    auto handed = [](const std::vector<ReceivedEvent>& events) {
        std::vector<std::string> out;
        for (const auto& e : events)
            if (e.entry.kind == "item.handed_over") out.emplace_back(e.entry.data.at("original_kind").as_string());
        std::sort(out.begin(), out.end());
        return out;
    };
    // The chosen justice item, the open decision and the safety-plan agreement travel.
    EXPECT_EQ(handed(zvh_saw), (std::vector<std::string>{"contribution.posted", "decision.recorded", "plan.agreement_added"}));
    EXPECT_EQ(handed(om_saw), handed(zvh_saw)) << "OM receives justice information at an MDA++ table";
    // The handed-over decision is still open, overdue, in the new room.
    auto mda_decisions = om.call(DecisionList{DecisionStatus::overdue, std::nullopt, std::nullopt});
    ASSERT_EQ(mda_decisions.decisions.size(), 1u);
    EXPECT_EQ(mda_decisions.decisions[0].room, mda);
    EXPECT_EQ(gemeente.call(RoomGet{room}).handed_over_to.size(), 1u);

    // And back down to a lokale kamer.
    RoomDeescalate down;
    down.room = mda;
    down.chair = gemeente.oin();
    down.reason = "Safety restored; back to local direction";
    auto back = *zvh.call(down).room;
    auto back_detail = gemeente.call(RoomGet{back});
    EXPECT_EQ(back_detail.summary.kind, RoomKind::lokale_kamer);
    EXPECT_EQ(*back_detail.parent, mda);

    gemeente.call(RoomTransition{room, RoomState::closed, "case handed over and back"});
    EXPECT_EQ(gemeente.call(RoomGet{room}).summary.state, RoomState::closed);
    EXPECT_EQ(politie.refused(ContributionPost{room, {}, {}, "late", Category::general, all(), {}, {}, {}}),
              ErrorCode::invalid_transition);
}

TEST_F(Case, VeiligThuisAdviceBecomesAReport) {
    Member ggz("ggz", port), vt("veilig-thuis", port), politie("politie", port);
    AdviceOpen ask;
    ask.adviser = vt.oin();
    ask.case_ref = "ADV-77";
    ask.question = "Child shows signs of neglect; what now under the meldcode?";
    ask.anonymous = true;
    ask.persons = {{"k1", PersonRole::child, "Kind"}};
    auto room = *ggz.call(ask).room;
    auto vt_saw = vt.subscribe(room);
    EXPECT_TRUE(has(texts(vt_saw), "Child shows signs of neglect; what now under the meldcode?"));
    // Anonymous: no identifiers, and no one outside the consultation gets in.
    EXPECT_EQ(ggz.refused(PersonIdentify{room, "k1", {Token("123456782"), {}, {}}, Category::general, all()}),
              ErrorCode::forbidden);
    EXPECT_EQ(politie.refused(RoomGet{room}), ErrorCode::not_found);
    EXPECT_EQ(ggz.refused(AdviceAnswer{room, "answering myself", Category::general}), ErrorCode::forbidden);

    vt.call(AdviceAnswer{room, "Make a report; we will contact the family.", Category::general});
    AdviceReport report;
    report.room = room;
    report.reason = "Advice followed: melding";
    report.persons = {{"k1", {Token("123456782"), Name("Kees Jansen"), Date("2018-04-01")}}};
    ggz.call(report);
    auto identified = vt.wait_for("person.identified");
    EXPECT_EQ(identified.entry.category, Category::veilig_thuis_report);
    EXPECT_EQ(std::string_view(identified.entry.data.at("identifiers").at("bsn").as_string()), "123456782");
    vt.wait_for("advice.reported");
    EXPECT_EQ(ggz.refused(report), ErrorCode::conflict);
}

TEST_F(Case, ResumeInTheMiddleOfAMeetingGetsExactlyWhatWasMissed) {
    Member gemeente("gemeente", port), politie("politie", port), ggz("ggz", port);
    RoomOpen open;
    open.case_ref = "RESUME-1";
    open.persons = {{"p1", PersonRole::parent, "A"}};
    auto room = *gemeente.call(open).room;
    for (auto* m : {&politie, &ggz}) {
        gemeente.call(MemberInvite{room, m->oin(), Role::participant});
        m->call(MemberAccept{room});
    }
    MeetingSchedule schedule;
    schedule.room = room;
    schedule.at = "2026-12-02T09:00:00Z";
    schedule.agenda = {"Stand van zaken"};
    auto meeting = gemeente.call(schedule);
    gemeente.call(MeetingStart{room, meeting.meeting});

    std::string cursor;
    std::vector<std::string> before;
    {
        Member away("politie", port);
        for (const auto& e : away.subscribe(room)) {
            cursor = e.cursor;
            before.push_back(e.entry.kind);
        }
        ContributionPost p{room, meeting.meeting, {}, "seen live before the drop", Category::general, all(), {}, {}, {}};
        gemeente.call(p);
        auto live = away.wait_for("contribution.posted");
        cursor = live.cursor;
    }  // the connection drops here

    // While away: two visible, one hidden from politie (health), then a meeting change.
    gemeente.call(ContributionPost{room, meeting.meeting, {}, "missed one", Category::general, all(), {}, {}, {}});
    ggz.call(ContributionPost{room, meeting.meeting, {}, "health detail", Category::health, all(), {}, {}, {}});
    gemeente.call(ContributionPost{room, meeting.meeting, {}, "missed two", Category::justice, all(), {}, {}, {}});
    gemeente.call(AttendanceRecord{room, meeting.meeting, politie.oin(), Presence::absent});

    Member back("politie", port);
    auto resumed = back.subscribe(room, cursor);
    EXPECT_EQ(kinds(resumed), (std::vector<std::string>{"contribution.posted", "contribution.posted", "meeting.attendance"}));
    EXPECT_EQ(texts(resumed), (std::vector<std::string>{"missed one", "missed two"}));
    // Then live again.
    gemeente.call(ContributionPost{room, meeting.meeting, {}, "after the resume", Category::general, all(), {}, {}, {}});
    EXPECT_EQ(texts({back.wait_for("contribution.posted")}), (std::vector<std::string>{"after the resume"}));
}

TEST_F(Case, ADuplicateSendIsAppliedOnceAndAcknowledgedAgain) {
    Member gemeente("gemeente", port);
    RoomOpen open;
    open.case_ref = "DUP-1";
    auto room = *gemeente.call(open).room;
    ContributionPost p{room, {}, {}, "only once", Category::general, all(), {}, {}, {}};
    auto first = gemeente.call(p, std::string("dup-key-1"));
    auto second = gemeente.call(p, std::string("dup-key-1"));
    EXPECT_EQ(*first.item, *second.item);
    EXPECT_EQ(*first.cursor, *second.cursor);
    auto history = gemeente.call(History{room, {}, {}});
    EXPECT_EQ(std::count_if(history.events.begin(), history.events.end(),
                            [](const auto& e) { return e.entry.kind == "contribution.posted"; }),
              1);
    p.text = "a different request under the same id";
    try {
        gemeente.call(p, std::string("dup-key-1"));
        ADD_FAILURE();
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), ErrorCode::idempotency_conflict);
    }
}

TEST_F(Case, ForbiddenTransitionsAndActionsAreRefusedWithTheirCodes) {
    Member gemeente("gemeente", port), politie("politie", port), gi("gi", port), ggz("ggz", port);
    RoomOpen open;
    open.case_ref = "RULES-1";
    open.persons = {{"p1", PersonRole::parent, "A"}};
    auto room = *gemeente.call(open).room;
    gemeente.call(MemberInvite{room, politie.oin(), Role::participant});
    politie.call(MemberAccept{room});

    // Lifecycle.
    EXPECT_EQ(gemeente.refused(RoomTransition{room, RoomState::monitoring, "skip"}), ErrorCode::invalid_transition);
    EXPECT_EQ(gemeente.refused(RoomTransition{room, RoomState::referred, "same"}), ErrorCode::invalid_transition);
    EXPECT_EQ(politie.refused(RoomTransition{room, RoomState::preparation, "not chair"}), ErrorCode::forbidden);
    // Who may open what.
    RoomOpen mda;
    mda.kind = RoomKind::mda;
    mda.case_ref = "X";
    EXPECT_EQ(gemeente.refused(mda), ErrorCode::forbidden);
    RoomOpen lk;
    lk.case_ref = "Y";
    EXPECT_EQ(politie.refused(lk), ErrorCode::forbidden);
    // Non-members: the room does not exist for them.
    EXPECT_EQ(gi.refused(ContributionPost{room, {}, {}, "x", Category::general, all(), {}, {}, {}}), ErrorCode::not_found);
    EXPECT_EQ(gi.refused(Subscribe{room, {}}), ErrorCode::not_found);
    EXPECT_EQ(gi.refused(History{room, {}, {}}), ErrorCode::not_found);
    EXPECT_EQ(gi.refused(MemberAccept{room}), ErrorCode::not_found);
    // Roles.
    EXPECT_EQ(politie.refused(MemberInvite{room, gi.oin(), Role::participant}), ErrorCode::forbidden);
    EXPECT_EQ(gemeente.refused(MemberInvite{room, gi.oin(), Role::chair}), ErrorCode::invalid_value);
    EXPECT_EQ(gemeente.refused(MemberInvite{room, politie.oin(), Role::participant}), ErrorCode::conflict);
    MeetingSchedule s;
    s.room = room;
    s.at = "2026-12-03T09:00:00Z";
    EXPECT_EQ(politie.refused(s), ErrorCode::forbidden);
    auto meeting = gemeente.call(s).meeting;
    EXPECT_EQ(politie.refused(MeetingStart{room, meeting}), ErrorCode::forbidden);
    EXPECT_EQ(gemeente.refused(MeetingClose{room, meeting, {}}), ErrorCode::invalid_transition);
    EXPECT_EQ(politie.refused(MemberRemove{room, gemeente.oin(), "coup"}), ErrorCode::forbidden);
    EXPECT_EQ(gemeente.refused(MemberRemove{room, gemeente.oin(), "self"}), ErrorCode::forbidden);
    EXPECT_EQ(gemeente.refused(MemberLeave{room, {}}), ErrorCode::forbidden);
    // Items.
    auto item = *politie.call(ContributionPost{room, {}, {}, "mine", Category::general, all(), {}, {}, {}}).item;
    EXPECT_EQ(gemeente.refused(ItemCorrect{room, item, "not yours", {}}), ErrorCode::forbidden);
    EXPECT_EQ(gemeente.refused(ItemRedact{room, item, "not yours"}), ErrorCode::forbidden);
    DecisionRecord d;
    d.room = room;
    d.text = "t";
    d.owner = gi.oin();
    d.due = "2026-12-31";
    EXPECT_EQ(gemeente.refused(d), ErrorCode::invalid_value) << "the owner must be a member";
    d.owner = politie.oin();
    auto decision = *gemeente.call(d).item;
    gemeente.call(MemberInvite{room, ggz.oin(), Role::participant});
    ggz.call(MemberAccept{room});
    EXPECT_EQ(ggz.refused(DecisionComplete{room, decision, {}}), ErrorCode::forbidden);
    // Audience naming an organisation the agreement would never give the category.
    ContributionPost health{room, {}, {}, "health for police?", Category::health, {}, {}, {}, {}};
    health.audience.all = false;
    health.audience.organisations = {politie.oin()};
    EXPECT_EQ(ggz.refused(health), ErrorCode::invalid_value);
    // Removal ends access.
    gemeente.call(MemberRemove{room, politie.oin(), "no longer involved"});
    EXPECT_EQ(politie.refused(History{room, {}, {}}), ErrorCode::not_found);
    EXPECT_EQ(politie.refused(ContributionPost{room, {}, {}, "x", Category::general, all(), {}, {}, {}}),
              ErrorCode::not_found);
}

TEST_F(Case, HistoryAndRoomsArePaged) {
    Member gemeente("gemeente", port), ggz("ggz", port);
    RoomOpen open;
    open.case_ref = "PAGE-1";
    auto room = *gemeente.call(open).room;
    gemeente.call(MemberInvite{room, ggz.oin(), Role::participant});
    ggz.call(MemberAccept{room});
    for (int i = 0; i < 25; ++i)
        gemeente.call(ContributionPost{room, {}, {}, "entry " + std::to_string(i),
                                       i % 2 ? Category::financial : Category::general, all(), {}, {}, {}});
    // ggz may not see financial: 13 general contributions + structural entries.
    std::vector<std::string> got;
    std::optional<Cursor> after;
    int pages = 0;
    do {
        auto page = ggz.call(History{room, after, Int<1, 500>(4)});
        for (const auto& e : page.events)
            if (auto* t = e.entry.data.if_contains("text")) got.emplace_back(t->as_string());
        after = page.next;
        ++pages;
    } while (after);
    EXPECT_EQ(got.size(), 13u);
    EXPECT_GT(pages, 3);
    for (int i = 0; i < 5; ++i) {
        RoomOpen more;
        more.case_ref = "PAGE-R" + std::to_string(i);
        gemeente.call(more);
    }
    std::size_t listed = 0;
    std::optional<Page> page = Page{std::nullopt, Int<1, 500>(2)};
    do {
        auto rooms = gemeente.call(RoomList{std::nullopt, page});
        listed += rooms.rooms.size();
        page = rooms.next ? std::optional<Page>(Page{rooms.next, Int<1, 500>(2)}) : std::nullopt;
    } while (page);
    EXPECT_GE(listed, 6u);
}

// The lifecycle as documented: referred -> preparation -> in consultation <-> monitoring, and
// closed from any open state; nothing leaves closed. Every other step is refused.
TEST_F(Case, EveryLifecycleTransitionIsAllowedOrRefusedAsDocumented) {
    const std::vector<RoomState> states{RoomState::referred, RoomState::preparation, RoomState::in_consultation,
                                        RoomState::monitoring, RoomState::closed};
    const std::set<std::pair<RoomState, RoomState>> allowed{
        {RoomState::referred, RoomState::preparation},       {RoomState::preparation, RoomState::in_consultation},
        {RoomState::in_consultation, RoomState::monitoring}, {RoomState::monitoring, RoomState::in_consultation},
        {RoomState::referred, RoomState::closed},            {RoomState::preparation, RoomState::closed},
        {RoomState::in_consultation, RoomState::closed},     {RoomState::monitoring, RoomState::closed}};
    const std::vector<RoomState> path{RoomState::preparation, RoomState::in_consultation, RoomState::monitoring,
                                      RoomState::closed};
    Member gemeente("gemeente", port);
    int n = 0;
    // A fresh room brought to `from` along the documented path.
    auto room_in = [&](RoomState from) {
        RoomOpen open;
        open.case_ref = "LIFE-" + std::to_string(++n);
        auto room = *gemeente.call(open).room;
        for (RoomState s : path) {
            if (from == RoomState::referred) break;
            gemeente.call(RoomTransition{room, s, "step"});
            if (s == from) break;
        }
        return room;
    };
    for (RoomState from : states) {
        auto room = room_in(from);
        EXPECT_EQ(gemeente.call(RoomGet{room}).summary.state, from);
        for (RoomState to : states)
            if (!allowed.count({from, to})) {
                EXPECT_EQ(gemeente.refused(RoomTransition{room, to, "not allowed"}), ErrorCode::invalid_transition)
                    << to_string(from) << " -> " << to_string(to);
            }
        for (RoomState to : states)
            if (allowed.count({from, to})) {
                auto fresh = room_in(from);
                gemeente.call(RoomTransition{fresh, to, "allowed"});
                EXPECT_EQ(gemeente.call(RoomGet{fresh}).summary.state, to) << to_string(from) << " -> " << to_string(to);
            }
    }
}

// To an organisation that is not a member, a room does not exist: every request naming it is
// refused with not_found, whatever else it names, and nothing is stored.
TEST_F(Case, EveryRequestOfANonMemberAboutARoomIsNotFound) {
    Member gemeente("gemeente", port), politie("politie", port), outsider("gi", port);
    RoomOpen open;
    open.case_ref = "OUTSIDE-1";
    open.persons = {{"p1", PersonRole::child, "Kind"}};
    auto room = *gemeente.call(open).room;
    gemeente.call(MemberInvite{room, politie.oin(), Role::participant});
    politie.call(MemberAccept{room});
    MeetingSchedule schedule;
    schedule.room = room;
    schedule.at = "2026-12-03T09:00:00Z";
    schedule.agenda = {Name("first")};
    auto meeting = gemeente.call(schedule).meeting;
    auto item = *politie.call(ContributionPost{room, {}, {}, "seen by members", Category::general, all(), {}, {}, {}}).item;
    auto head = gemeente.call(History{room, {}, {}}).events.size();

    auto expect_not_found = [&](const auto& request) {
        EXPECT_EQ(outsider.refused(request), ErrorCode::not_found) << std::decay_t<decltype(request)>::type;
    };
    expect_not_found(RoomTransition{room, RoomState::preparation, "x"});
    expect_not_found(PersonAdd{room, {"p2", PersonRole::parent, "Ouder"}});
    expect_not_found(PersonIdentify{room, "p1", {Token("123456782"), Name("K"), Date("2018-04-01")}, Category::general, all()});
    expect_not_found(MemberInvite{room, outsider.oin(), Role::participant});
    expect_not_found(MemberAccept{room});
    expect_not_found(MemberDecline{room, {}});
    expect_not_found(MemberRemove{room, politie.oin(), "x"});
    expect_not_found(MemberLeave{room, {}});
    expect_not_found(MemberSetRegisseur{room, outsider.oin()});
    expect_not_found(schedule);
    expect_not_found(AgendaAdd{room, meeting, "x"});
    expect_not_found(MeetingStart{room, meeting});
    expect_not_found(MeetingClose{room, meeting, {}});
    expect_not_found(AttendanceRecord{room, meeting, outsider.oin(), Presence::present});
    expect_not_found(ContributionPost{room, {}, {}, "x", Category::general, all(), {}, {}, {}});
    expect_not_found(DecisionRecord{room, {}, "x", outsider.oin(), Date(date_offset(3)), Category::general, all(), {}, {}});
    expect_not_found(DecisionComplete{room, item, {}});
    expect_not_found(AnalysisEdit{room, 0, "x", {}});
    expect_not_found(PlanAgreementAdd{room, "x", outsider.oin(), {Date(date_offset(3))}, Category::general, all(), {}});
    expect_not_found(CheckpointReport{room, item, Date(date_offset(0)), true, {}});
    expect_not_found(ItemCorrect{room, item, "x", {}});
    expect_not_found(ItemRedact{room, item, "x"});
    expect_not_found(AccessRequest{room, item, "x"});
    expect_not_found(AccessDecide{room, item, true, "x", "x"});
    expect_not_found(AccessWithdraw{room, item, "x"});
    expect_not_found(RoomEscalate{room, partner("zvh").oin, {}, "x"});
    expect_not_found(RoomDeescalate{room, gemeente.oin(), {}, "x"});
    expect_not_found(AdviceAnswer{room, "x", Category::general});
    expect_not_found(AdviceReport{room, "x", {}});
    expect_not_found(Subscribe{room, {}});
    expect_not_found(History{room, {}, {}});
    expect_not_found(RoomExport{room, {}, {}});
    expect_not_found(RoomGet{room});
    expect_not_found(PlanGet{room});
    SubjectReport report;
    report.room = room;
    report.person = Token("p1");
    EXPECT_EQ(outsider.connection().call(report, {}, Actor{Token("po"), {}, Name("privacy-officer"), {}}).items.size(), 0u);
    EXPECT_FALSE(gemeente.call(Search{Name("members"), room, {}}).hits.empty());
    EXPECT_TRUE(outsider.call(Search{Name("members"), room, {}}).hits.empty());
    EXPECT_EQ(gemeente.call(History{room, {}, {}}).events.size(), head) << "nothing was stored";
}

}  // namespace
}  // namespace kamer::test
