// Consultation rooms end to end, through the client library against a real kamerd.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "member.hpp"
#include "stalled_reader.hpp"
#include "store/database.hpp"

#include <pqxx/pqxx>

#include <map>
#include <memory>
#include <set>

namespace kamer::test {
namespace {

using protocol::Category;

class Rooms : public ::testing::Test {
protected:
    void SetUp() override {
        server = &demo_server().server;
    }

    std::string open_room(Member& chair, protocol::RoomKind kind = protocol::RoomKind::lokale_kamer) {
        protocol::RoomOpen open;
        open.kind = kind;
        open.case_ref = "CASUS-" + std::to_string(++counter);
        open.persons = {{"p1", protocol::PersonRole::parent, "Moeder A"},
                        {"p2", protocol::PersonRole::child, "Kind B"},
                        {"p3", protocol::PersonRole::ex_partner, "Vader C"}};
        return *chair.call(open).room;
    }

    void join(Member& chair, Member& member, const std::string& room) {
        protocol::MemberInvite invite;
        invite.room = room;
        invite.organisation = member.oin();
        chair.call(invite);
        protocol::MemberAccept accept;
        accept.room = room;
        member.call(accept);
    }

    std::string post(Member& author, const std::string& room, const std::string& text, Category category,
                     std::optional<protocol::Audience> audience = {}) {
        protocol::ContributionPost p;
        p.room = room;
        p.text = text;
        p.category = category;
        if (audience) p.audience = *audience;
        return *author.call(p).item;
    }

    Kamerd* server = nullptr;
    int counter = 0;
};

TEST_F(Rooms, ContributionsReachOnlyWhomTheAgreementAllows) {
    Member gemeente("gemeente", server->port()), politie("politie", server->port()), ggz("ggz", server->port()),
        gi("gi", server->port());
    auto room = open_room(gemeente);
    for (auto* m : {&politie, &ggz, &gi}) join(gemeente, *m, room);
    for (auto* m : {&gemeente, &politie, &ggz, &gi}) m->subscribe(room);

    post(politie, room, "justice: earlier incidents", Category::justice);
    post(ggz, room, "health: treatment history", Category::health);
    post(gi, room, "general: school attendance", Category::general);

    auto seen = [&](Member& m) {
        auto t = texts(m.events());
        std::sort(t.begin(), t.end());
        return t;
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(seen(gemeente), (V{"general: school attendance", "health: treatment history", "justice: earlier incidents"}));
    EXPECT_EQ(seen(politie), (V{"general: school attendance", "justice: earlier incidents"}));
    EXPECT_EQ(seen(ggz), (V{"general: school attendance", "health: treatment history"}));
    EXPECT_EQ(seen(gi), (V{"general: school attendance"}));
}

// Text reaches the database inside the write script as quoted literals (and inside JSON):
// quotes, backslashes, SQL and non-ASCII text must come back from it exactly as sent.
TEST_F(Rooms, TextComesBackFromTheDatabaseExactlyAsSent) {
    Member gemeente("gemeente", server->port()), politie("politie", server->port());
    const std::string text = "O'Brien: \"\\' ''); DROP TABLE entries; --\" \\x41 $1 E'\\n' \u00e9 \U0001f642\nregel 2\ttab";
    protocol::RoomOpen open;
    open.case_ref = "CASUS-'\\-" + std::to_string(++counter);
    open.title = protocol::Name("Titel met 'quote', \\backslash en \"$2\"");
    auto room = *gemeente.call(open).room;
    join(gemeente, politie, room);
    post(gemeente, room, text, Category::general);

    // A member subscribing afterwards catches up from the database.
    EXPECT_EQ(texts(politie.subscribe(room)), std::vector<std::string>{text});
    bool listed = false;
    for (const auto& r : politie.call(protocol::RoomList{}).rooms) {
        if (r.room != room) continue;
        listed = true;
        EXPECT_EQ(r.case_ref, open.case_ref);
        EXPECT_EQ(r.title, open.title);
    }
    EXPECT_TRUE(listed);
}

// A room of gemeente (chair), politie and ggz on a kamerd whose send queues hold 64 KiB, and
// contributions of about 4 KB each: a member that does not read fills its queue quickly.
struct SmallQueueRoom {
    using Settings = std::map<std::string, std::string>;
    explicit SmallQueueRoom(const Settings& limits = {}) {
        database.register_demo_partners();
        Settings settings{{"limits.send_queue_bytes", "65536"}, {"limits.max_message_bytes", "65536"}};
        settings.insert(limits.begin(), limits.end());
        server = std::make_unique<Kamerd>(database, settings);
        gemeente = std::make_unique<Member>("gemeente", server->port());
        politie = std::make_unique<Member>("politie", server->port());
        protocol::RoomOpen open;
        open.case_ref = "SLOW-1";
        room = *gemeente->call(open).room;
        for (const char* slug : {"politie", "ggz"}) {
            gemeente->call(protocol::MemberInvite{room, partner(slug).oin, protocol::Role::participant});
            Member(slug, server->port()).call(protocol::MemberAccept{room});
        }
    }

    protocol::ContributionPost contribution(int i) const {
        return {room, {}, {}, std::to_string(i) + " " + std::string(4000, 'x'), Category::general, {}, {}, {}, {}};
    }

    TestDatabase database;
    std::unique_ptr<Kamerd> server;
    std::unique_ptr<Member> gemeente, politie;
    std::string room;
};

// A member whose system stops reading must not stall the room: its queue stays past the bound,
// it is closed as a slow consumer (4008), the others keep receiving, and when it comes back it
// resumes from its last position with exactly what it missed.
TEST(SlowMember, IsDisconnectedWithoutStallingTheRoomAndResumesWithoutGapOrDuplicate) {
    SmallQueueRoom r(SmallQueueRoom::Settings{{"limits.slow_consumer_seconds", "1"}});
    r.gemeente->subscribe(r.room);
    StalledReader stalled(client_options("ggz", r.server->port()), r.room);

    // About 6 MB for every member: far beyond the 64 KiB queue and the socket buffers.
    constexpr int items = 1500;
    std::vector<std::string> posted_in_order;
    for (int i = 0; i < items; ++i) posted_in_order.push_back(*r.politie->call(r.contribution(i)).item);
    std::set<std::string> posted(posted_in_order.begin(), posted_in_order.end());
    EXPECT_TRUE(r.server->wait_for_log({"session.slow_consumer", "not_reading"}, std::chrono::seconds(10)));

    // The room was not held up: the chair received every item, in order.
    std::set<std::string> chair_seen;
    for (const auto& e : r.gemeente->events(std::chrono::milliseconds(1000)))
        if (e.entry.item) chair_seen.insert(*e.entry.item);
    EXPECT_EQ(chair_seen, posted);

    // A member that reads nothing cannot receive a close frame behind its full socket either:
    // it sees 4008 if it reads in time, otherwise the connection just ends.
    auto drained = stalled.drain();
    EXPECT_TRUE(drained.close_code == 4008 || drained.close_code == 0) << drained.close_code << " " << drained.ended_by;
    EXPECT_LT(drained.items.size(), static_cast<std::size_t>(items)) << "it was cut off before the end";
    Member back("ggz", r.server->port());
    auto resumed = back.subscribe(r.room, drained.last_cursor.empty() ? std::nullopt : std::optional(drained.last_cursor));
    std::vector<std::string> all = drained.items;
    for (const auto& e : resumed)
        if (e.entry.item) all.push_back(*e.entry.item);
    std::set<std::string> unique(all.begin(), all.end());
    EXPECT_EQ(unique.size(), all.size()) << "no duplicates";
    EXPECT_EQ(unique, posted) << "no gap";
    // The resume reads its pages ahead while earlier ones are being logged: still in order.
    EXPECT_EQ(all, posted_in_order);
}

// The queue's memory is bounded however long the grace: at send_queue_max_bytes the member is
// closed at once.
TEST(SlowMember, WhoseQueueReachesTheMemoryBoundIsClosedAtOnce) {
    SmallQueueRoom r(
        SmallQueueRoom::Settings{{"limits.send_queue_max_bytes", "262144"}, {"limits.slow_consumer_seconds", "3600"}});
    StalledReader stalled(client_options("ggz", r.server->port()), r.room);
    constexpr int items = 1500;
    for (int i = 0; i < items; ++i) r.politie->call(r.contribution(i));
    EXPECT_TRUE(r.server->wait_for_log({"session.slow_consumer", "queue_full"}, std::chrono::seconds(10)));
    auto drained = stalled.drain();
    EXPECT_TRUE(drained.close_code == 4008 || drained.close_code == 0) << drained.close_code << " " << drained.ended_by;
    EXPECT_LT(drained.items.size(), static_cast<std::size_t>(items)) << "it was cut off before the end";
}

// Contributions committed together reach a member at once, and may take its queue past the
// bound although it reads everything straight away: that member is not a slow consumer.
TEST(SlowMember, IsNotWhoTakesABurstPastTheBoundStraightAway) {
    SmallQueueRoom r;
    r.gemeente->subscribe(r.room);
    // 128 contributions (about 512 KiB) are acknowledged while the disclosure log cannot append
    // (the test holds a lock that blocks inserts); once it can, it logs them in one go, and they
    // reach the chair as one burst.
    auto db = server::store::connect(r.database.owner_url());
    pqxx::work hold(*db);
    hold.exec0("LOCK TABLE disclosures IN SHARE MODE");
    constexpr int items = 128;
    auto& politie = r.politie->connection();
    for (int i = 0; i < items; ++i)
        politie.send_raw(protocol::encode_message(r.contribution(i), "burst-" + std::to_string(i)));
    std::set<std::string> posted;
    while (posted.size() < items) {
        auto reply = politie.receive(std::chrono::seconds(10));
        ASSERT_TRUE(reply) << "no reply after " << posted.size();
        if (!reply->re || !reply->re->starts_with("burst-")) continue;  // the notice of its invitation
        posted.insert(*protocol::decode_body<protocol::ContributionPost::reply>(*reply, protocol::DecodeOptions{false}).item);
    }
    hold.commit();
    std::set<std::string> chair_seen;
    for (const auto& e : r.gemeente->events(std::chrono::milliseconds(1000)))
        if (e.entry.item) chair_seen.insert(*e.entry.item);
    EXPECT_EQ(chair_seen, posted);
    EXPECT_GE(r.server->metric("kamer_send_queue_over_bound_total"), 1) << "no burst went past the bound";
    EXPECT_EQ(r.server->metric("kamer_disconnects_total{reason=\"slow_consumer\"}"), 0);
}

}  // namespace
}  // namespace kamer::test
