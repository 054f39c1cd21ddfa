// The integrator examples keep working: the bridge forwards a partner system's events once
// (also when its input is replayed) and the listener prints only what its organisation may see.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness.hpp"
#include "member.hpp"

namespace kamer::test {
namespace {

struct Run {
    int status = -1;
    std::string out;
};

Run run(const std::string& command) {
    Run r;
    FILE* p = popen(command.c_str(), "r");
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    int status = pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

std::string credentials(const std::string& slug, std::uint16_t port) {
    auto base = pki_dir() + "/orgs/" + slug;
    return " --server 127.0.0.1:" + std::to_string(port) + " --certificate " + base + ".pem --key " + base +
           ".key --ca " + pki_dir() + "/ca-bundle.pem";
}

TEST(Examples, TheBridgeForwardsOnceAndTheListenerPrintsWhatItsOrganisationMaySee) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database);
    Member chair("gemeente", server.port());
    protocol::RoomOpen open;
    open.case_ref = "EXAMPLES";
    auto room = *chair.call(open).room;
    for (auto slug : {"politie", "ggz"}) {
        Member m(slug, server.port());
        protocol::MemberInvite invite;
        invite.room = room;
        invite.organisation = m.oin();
        chair.call(invite);
        protocol::MemberAccept accept;
        accept.room = room;
        m.call(accept);
    }

    auto input = std::filesystem::temp_directory_path() / ("kamer-bridge-input-" + std::to_string(::getpid()));
    std::ofstream(input) << "BVH-1\tjustice\tThree police reports this year\n"
                         << "BVH-2\tgeneral\tPolice attended the family meeting\n"
                         << "BVH-3\tnonsense\tA line with an unknown category\n";
    std::string bridge = std::string(EXAMPLES_DIR) + "/kamer-bridge" + credentials("politie", server.port()) + " " + room +
                         " < " + input.string() + " 2>/dev/null";
    auto first = run(bridge);
    auto replay = run(bridge);  // the partner system replays its export
    std::filesystem::remove(input);
    EXPECT_EQ(first.status, 1) << "one line was refused";
    EXPECT_EQ(first.out, replay.out) << "a replay gets the same items back";
    EXPECT_NE(first.out.find("BVH-1\t"), std::string::npos) << first.out;

    auto listened = run(std::string(EXAMPLES_DIR) + "/kamer-listener" + credentials("ggz", server.port()) +
                        " --for 2 2>/dev/null");
    EXPECT_EQ(listened.status, 0);
    EXPECT_NE(listened.out.find("Police attended the family meeting"), std::string::npos) << listened.out;
    EXPECT_EQ(listened.out.find("Three police reports"), std::string::npos) << "justice is not for GGZ";

    int posted = 0;
    for (const auto& e : chair.subscribe(room))
        if (e.entry.kind == "contribution.posted") ++posted;
    EXPECT_EQ(posted, 2) << "each event of the partner system once";
}

}  // namespace
}  // namespace kamer::test
