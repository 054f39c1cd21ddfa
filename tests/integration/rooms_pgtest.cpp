// Consultation rooms end to end, through the client library against a real kamerd.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "member.hpp"

namespace kamer::test {
namespace {

using protocol::Category;

struct Environment {
    TestDatabase database;
    std::unique_ptr<Kamerd> server;
    Environment() {
        database.register_demo_partners();
        server = std::make_unique<Kamerd>(database);
    }
};

class Rooms : public ::testing::Test {
protected:
    void SetUp() override {
        static Environment environment;
        server = environment.server.get();
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

}  // namespace
}  // namespace kamer::test
