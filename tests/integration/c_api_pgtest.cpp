// The C interface, exercised by a C program (tests/c_api/c_api_check.c) against a real kamerd.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "harness.hpp"
#include "member.hpp"

namespace kamer::test {
namespace {

TEST(CApi, AProgramInCConnectsJoinsPostsReceivesAndGetsClearErrors) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    Member chair("gemeente", server.port()), politie("politie", server.port());
    protocol::RoomOpen open;
    open.case_ref = "C-API";
    auto room = *chair.call(open).room;
    protocol::MemberInvite invite;
    invite.room = room;
    invite.organisation = politie.oin();
    chair.call(invite);
    protocol::MemberAccept accept;
    accept.room = room;
    politie.call(accept);

    auto positions = std::filesystem::temp_directory_path() / ("kamer-c-positions-" + std::to_string(::getpid()));
    auto base = pki_dir() + "/orgs/politie";
    std::string command = std::string(C_API_CHECK_PATH) + " " + std::to_string(server.port()) + " " + base + ".pem " +
                          base + ".key " + pki_dir() + "/ca-bundle.pem " + room + " " + positions.string();
    int status = std::system(command.c_str());
    std::filesystem::remove(positions);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "see c_api_check's output above";

    // The resend with the same message id was applied once.
    int copies = 0;
    for (const auto& e : chair.subscribe(room))
        if (e.entry.kind == "contribution.posted") ++copies;
    EXPECT_EQ(copies, 1);
}

}  // namespace
}  // namespace kamer::test
