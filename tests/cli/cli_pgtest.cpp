// The kamer command-line client end to end: a chair runs a small case from the terminal
// against a real kamerd, the partners answer with their own profiles, and --json output parses.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <chrono>
#include <ctime>
#include <regex>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace kamer::test {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

struct Outcome {
    int status = -1;
    std::string out, err;
};

class KamerCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        database = new TestDatabase();
        database->register_demo_partners();
        server = new Kamerd(*database);
        dir = new fs::path(fs::temp_directory_path() / ("kamer-cli-" + std::to_string(::getpid())));
        fs::create_directories(*dir);
        for (auto slug : {"gemeente", "politie", "ggz", "gi"}) {
            auto base = pki_dir() + "/orgs/" + std::string(slug);
            auto r = kamer("profile add " + std::string(slug) + " --server 127.0.0.1:" + std::to_string(server->port()) +
                           " --certificate " + base + ".pem --key " + base + ".key --ca " + pki_dir() +
                           "/ca-bundle.pem --actor " + slug + "-cli");
            ASSERT_EQ(r.status, 0) << r.err;
        }
    }
    static void TearDownTestSuite() {
        fs::remove_all(*dir);
        delete dir;
        delete server;
        delete database;
    }

    // Runs the kamer binary with the test's profile file; standard output and error apart.
    static Outcome kamer(const std::string& args, const std::string& input = {}) {
        auto err = *dir / "stderr";
        std::string command = "KAMER_PROFILES=" + (*dir / "profiles.ini").string() + " " + KAMER_CLI_PATH + " " + args +
                              " 2>" + err.string();
        if (!input.empty()) command = "printf '%s' '" + input + "' | " + command;
        Outcome r;
        FILE* p = popen(command.c_str(), "r");
        char buf[4096];
        while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
        int status = pclose(p);
        r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        std::ifstream in(err);
        std::stringstream s;
        s << in.rdbuf();
        r.err = s.str();
        return r;
    }
    static Outcome as(const std::string& slug, const std::string& args) { return kamer("--profile " + slug + " " + args); }
    static json::object json_of(const Outcome& r) {
        EXPECT_EQ(r.status, 0) << r.err;
        return json::parse(r.out).as_object();
    }

    static TestDatabase* database;
    static Kamerd* server;
    static fs::path* dir;
};

TestDatabase* KamerCli::database = nullptr;
Kamerd* KamerCli::server = nullptr;
fs::path* KamerCli::dir = nullptr;

std::string s(const json::value& v) { return std::string(v.as_string()); }

// A date `days` from today (UTC), YYYY-MM-DD: checkpoints may not be reported in the future.
std::string day(int days) {
    auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::hours(24 * days));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(KamerCli, AChairRunsASmallCaseFromTheTerminal) {
    auto opened = json_of(as("gemeente", "--json room open --case CLI-1 --title \"Familie A\" --person p1:child:Kind"));
    ASSERT_TRUE(opened.contains("room")) << json::serialize(opened);
    auto room = s(opened.at("room"));

    // Invited by sector and by a part of the name, both resolved through registry.list.
    auto politie = as("gemeente", "member invite " + room + " politie");
    EXPECT_EQ(politie.status, 0) << politie.err;
    EXPECT_TRUE(contains(politie.out, "Politie Eenheid Den Haag invited")) << politie.out;
    auto invited = as("gemeente", "member invite " + room + " --organisation \"GGZ Haag\"");
    EXPECT_EQ(invited.status, 0) << invited.err;
    for (auto slug : {"politie", "ggz"}) EXPECT_EQ(as(slug, "member accept " + room).status, 0);

    auto meeting = json_of(as("gemeente", "--json meeting schedule " + room + " --at \"" + day(7) +
                                              " 14:30\" --title Overleg --agenda Situatie --agenda Afspraken"));
    auto meeting_id = s(meeting.at("meeting"));
    ASSERT_EQ(meeting.at("agenda").as_array().size(), 2u);
    EXPECT_EQ(as("gemeente", "meeting start " + room + " --meeting " + meeting_id).status, 0);

    auto posted = as("politie", "post " + room + " --text \"Twee meldingen dit jaar\" --category justice "
                                                  "--signal \"Politie-informatie beschikbaar\" --meeting " + meeting_id);
    EXPECT_EQ(posted.status, 0) << posted.err;
    EXPECT_TRUE(contains(posted.out, "contribution posted: item ")) << posted.out;
    EXPECT_EQ(as("ggz", "post " + room + " --text \"Moeder in behandeling\" --category health").status, 0);
    auto note = *dir / "note.txt";
    std::ofstream(note) << "Schuldhulp loopt\n";
    EXPECT_EQ(as("gemeente", "post " + room + " --file " + note.string()).status, 0);

    auto decision = json_of(as("gemeente", "--json decision record " + room + " --text \"GGZ plant intake\" --owner ggz --due " +
                                               day(14)));
    EXPECT_TRUE(decision.contains("item"));
    auto agreement = json_of(as("gemeente", "--json plan add " + room + " --text \"Vader komt niet naar het huis\" "
                                                "--owner politie --checkpoint " + day(-2) + " --checkpoint " + day(40)));
    auto reported = as("politie", "plan report " + room + " --agreement " + s(agreement.at("item")) + " --checkpoint " +
                                      day(-2) + " --held no --note \"Melding eergisteren\"");
    EXPECT_EQ(reported.status, 0) << reported.err;
    EXPECT_EQ(as("gemeente", "meeting close " + room + " --meeting " + meeting_id + " --summary Afgesproken").status, 0);

    // The plan at a glance, for people and for scripts.
    auto plan = as("gemeente", "plan show " + room);
    EXPECT_EQ(plan.status, 0) << plan.err;
    EXPECT_TRUE(contains(plan.out, "0 on track")) << plan.out;
    EXPECT_TRUE(contains(plan.out, "1 broken")) << plan.out;
    EXPECT_TRUE(contains(plan.out, "next checkpoint " + day(40))) << plan.out;
    EXPECT_TRUE(contains(plan.out, "Politie Eenheid Den Haag")) << plan.out;
    EXPECT_TRUE(contains(plan.out, day(-2) + " failed")) << plan.out;
    auto plan_json = json_of(as("gemeente", "--json plan show " + room));
    EXPECT_EQ(plan_json.at("broken").as_int64(), 1);
    EXPECT_EQ(plan_json.at("agreements").as_array().size(), 1u);

    auto shown = as("gemeente", "room show " + room);
    EXPECT_TRUE(contains(shown.out, "Familie A")) << shown.out;
    EXPECT_TRUE(contains(shown.out, "GGZ Haaglanden")) << shown.out;
    EXPECT_TRUE(contains(shown.out, "Overleg")) << shown.out;
    auto shown_json = json_of(as("gemeente", "--json room show " + room));
    const auto& members = shown_json.at("members").as_array();
    EXPECT_EQ(members.size(), 3u);
    for (const auto& m : members) EXPECT_EQ(s(m.at("status")), "active") << json::serialize(m);
    EXPECT_EQ(s(shown_json.at("meetings").at(0).at("status")), "closed");

    // What each organisation's history shows is what the agreement lets it see, in local time.
    auto police = as("politie", "history " + room);
    EXPECT_EQ(police.status, 0) << police.err;
    EXPECT_TRUE(contains(police.out, "Twee meldingen")) << police.out;
    EXPECT_FALSE(contains(police.out, "Moeder in behandeling")) << "health is not for the police";
    EXPECT_TRUE(contains(police.out, "Gemeente Rijswijk")) << police.out;
    EXPECT_FALSE(std::regex_search(police.out, std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:"))) << "times are local: " << police.out;
    auto care = json_of(as("ggz", "--json history " + room));
    std::string kinds;
    for (const auto& e : care.at("events").as_array()) kinds += s(e.at("entry").at("kind")) + " ";
    EXPECT_TRUE(contains(kinds, "signal")) << "GGZ sees the police's signal, not the item: " << kinds;
    EXPECT_TRUE(contains(kinds, "meeting.closed")) << kinds;
    EXPECT_FALSE(contains(json::serialize(care), "Twee meldingen"));
    auto chair = json_of(as("gemeente", "--json history " + room + " --limit 3"));
    EXPECT_EQ(chair.at("events").as_array().size(), 3u);
    EXPECT_TRUE(chair.contains("next")) << "a limited page says where to go on";

    auto rooms = json_of(as("gemeente", "--json rooms --state referred"));
    bool listed = false;
    for (const auto& r : rooms.at("rooms").as_array()) listed = listed || s(r.at("room")) == room;
    EXPECT_TRUE(listed);
    auto listed_human = as("ggz", "rooms");
    EXPECT_TRUE(contains(listed_human.out, "CLI-1")) << listed_human.out;
    EXPECT_TRUE(contains(listed_human.out, "Gemeente Rijswijk")) << "the regisseur by name: " << listed_human.out;
    auto decisions = as("ggz", "decisions --owned");
    EXPECT_TRUE(contains(decisions.out, "GGZ plant intake")) << decisions.out;
    auto found = json_of(as("gemeente", "--json search intake"));
    EXPECT_EQ(found.at("hits").as_array().size(), 1u) << json::serialize(found);

    // The analysis: the base version is read from the room, so two edits in turn both succeed.
    auto analysis = as("gemeente", "analysis edit " + room + " --text \"Spanningen na de scheiding.\"");
    EXPECT_EQ(analysis.status, 0) << analysis.err;
    auto second = as("politie", "analysis edit " + room + " --text \"Plus: twee meldingen.\"");
    EXPECT_EQ(second.status, 0) << second.err;
    EXPECT_TRUE(contains(second.out, "version 2")) << second.out;
    auto latest = as("ggz", "analysis show " + room);
    EXPECT_TRUE(contains(latest.out, "version 2")) << latest.out;
    EXPECT_TRUE(contains(latest.out, "Plus: twee meldingen.")) << latest.out;

    auto followed = as("politie", "--json follow " + room + " --for 1");
    EXPECT_EQ(followed.status, 0) << followed.err;
    std::istringstream lines(followed.out);
    std::string line, last_cursor;
    int events = 0;
    while (std::getline(lines, line)) {
        auto e = json::parse(line).as_object();
        EXPECT_EQ(s(e.at("room")), room);
        last_cursor = s(e.at("cursor"));
        ++events;
    }
    EXPECT_GT(events, 10);
    // Resuming after the last cursor gives only what came since.
    EXPECT_EQ(as("gemeente", "post " + room + " --text \"Na het overleg\"").status, 0);
    auto resumed = as("politie", "--json follow " + room + " --after " + last_cursor + " --for 1");
    EXPECT_EQ(resumed.status, 0) << resumed.err;
    EXPECT_EQ(std::count(resumed.out.begin(), resumed.out.end(), '\n'), 1) << resumed.out;
    EXPECT_TRUE(contains(resumed.out, "Na het overleg")) << resumed.out;
}

TEST_F(KamerCli, EverySubcommandHasHelp) {
    auto overview = kamer("--help");
    EXPECT_EQ(overview.status, 0);
    std::istringstream in(overview.out);
    std::string line;
    int commands = 0;
    while (std::getline(in, line)) {
        // Command lines are "  words   summary": two leading spaces, then a lower-case word.
        if (line.size() < 3 || line.rfind("  ", 0) != 0 || line[2] == '-' || line[2] == ' ') continue;
        auto end = line.find("  ", 2);
        auto name = line.substr(2, end - 2);
        auto help = kamer(name + " --help");
        EXPECT_EQ(help.status, 0) << name << ": " << help.err;
        EXPECT_NE(help.out.find("usage: kamer " + name), std::string::npos) << help.out;
        EXPECT_NE(help.out.find("--json"), std::string::npos) << help.out;
        ++commands;
    }
    EXPECT_GE(commands, 45);
    auto post = kamer("post --help");
    for (auto option : {"ROOM", "--text", "--file", "--category", "--audience", "--signal", "--agenda-item"})
        EXPECT_TRUE(contains(post.out, option)) << option << " in " << post.out;
    EXPECT_EQ(kamer("").status, 2) << "no command: the overview, as a usage error";
}

TEST_F(KamerCli, MistakesGetClearMessagesAndDistinctExitCodes) {
    auto missing = as("gemeente", "post");
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("needs ROOM"), std::string::npos) << missing.err;
    auto wrong_flag = as("gemeente", "rooms --colour blue");
    EXPECT_EQ(wrong_flag.status, 2);
    EXPECT_NE(wrong_flag.err.find("--colour"), std::string::npos) << wrong_flag.err;
    auto no_value = as("gemeente", "rooms --state");
    EXPECT_EQ(no_value.status, 2) << no_value.err;
    EXPECT_EQ(kamer("frobnicate").status, 2);

    auto unknown_room = as("gemeente", "room show 00000000-0000-4000-8000-000000000000");
    EXPECT_EQ(unknown_room.status, 4);
    EXPECT_NE(unknown_room.err.find("not_found"), std::string::npos) << unknown_room.err;
    auto bad_value = as("gemeente", "room open --case X --kind tafel");
    EXPECT_EQ(bad_value.status, 2);
    EXPECT_NE(bad_value.err.find("--kind must be one of lokale-kamer"), std::string::npos) << bad_value.err;
    auto bad_date = as("gemeente", "decision record 00000000-0000-4000-8000-000000000000 --text x --owner ggz --due morgen");
    EXPECT_EQ(bad_date.status, 2);
    EXPECT_NE(bad_date.err.find("body.due"), std::string::npos) << bad_date.err;
    auto ambiguous = as("gemeente", "member invite 00000000-0000-4000-8000-000000000000 Haaglanden");
    EXPECT_EQ(ambiguous.status, 2);
    EXPECT_NE(ambiguous.err.find("matches several"), std::string::npos) << ambiguous.err;
    auto bad_time = as("gemeente", "meeting schedule 00000000-0000-4000-8000-000000000000 --at tomorrow");
    EXPECT_EQ(bad_time.status, 2) << bad_time.err;

    // A server certificate from a CA we do not trust: refused in TLS, exit 3, with a hint.
    auto base = pki_dir() + "/orgs/gemeente";
    auto untrusted = kamer("--server 127.0.0.1:" + std::to_string(server->port()) + " --certificate " + base +
                           ".pem --key " + base + ".key --ca " + base + ".pem rooms");
    EXPECT_EQ(untrusted.status, 3);
    EXPECT_NE(untrusted.err.find("tls"), std::string::npos) << untrusted.err;
    EXPECT_NE(untrusted.err.find("--ca"), std::string::npos) << "a hint: " << untrusted.err;
    auto nobody = kamer("--server 127.0.0.1:1 --certificate " + base + ".pem --key " + base + ".key --ca " + pki_dir() +
                        "/ca-bundle.pem rooms");
    EXPECT_EQ(nobody.status, 3);
    EXPECT_NE(nobody.err.find("is the server running"), std::string::npos) << nobody.err;
    auto no_profile = kamer("--profile nosuch rooms");
    EXPECT_EQ(no_profile.status, 2);
}

TEST_F(KamerCli, PrivacyOfficersAndOperatorsHaveTheirCommands) {
    auto registry = json_of(as("gemeente", "--json registry"));
    EXPECT_EQ(registry.at("organisations").as_array().size(), demo_partners().size());
    auto agreement = as("gemeente", "agreement");
    EXPECT_NE(agreement.out.find("lokale-kamer"), std::string::npos) << agreement.out;
    auto refused = as("gemeente", "subject-report --bsn 123456782");
    EXPECT_EQ(refused.status, 4);
    EXPECT_NE(refused.err.find("privacy officer"), std::string::npos) << refused.err;
    auto report = as("gemeente", "--actor po-1 --actor-function privacy-officer subject-report --bsn 123456782");
    EXPECT_EQ(report.status, 0) << report.err;
    auto audit = as("gemeente", "--actor po-1 --actor-function privacy-officer audit verify");
    EXPECT_EQ(audit.status, 0) << audit.err;
    EXPECT_NE(audit.out.find("intact"), std::string::npos) << audit.out;
    auto listed = kamer("profile list");
    EXPECT_NE(listed.out.find("politie"), std::string::npos);
    EXPECT_EQ(fs::status(*dir / "profiles.ini").permissions() & fs::perms::group_all, fs::perms::none)
        << "the profile file is private";
}

}  // namespace
}  // namespace kamer::test
