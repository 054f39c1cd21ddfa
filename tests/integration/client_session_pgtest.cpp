// The client library's Session against a real kamerd: connections cut in the middle of a
// stream, kamerd killed and restarted, replies lost on the way back, a full queue, a restarted
// partner system resuming from its saved position, and a refusal that no retry can cure; and
// the Connection underneath let go while it is still working.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <atomic>
#include <filesystem>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include "fault_clients.hpp"
#include "harness.hpp"
#include "kamer/client/blocking_session.hpp"
#include "kamer/client/connection.hpp"
#include "member.hpp"
#include "tcp_proxy.hpp"

namespace kamer::test {
namespace {

using namespace std::chrono_literals;
using client::BlockingSession;
using client::SessionOptions;
using protocol::ErrorCode;

SessionOptions session_options(const std::string& slug, std::uint16_t port) {
    SessionOptions o;
    o.connect = client_options(slug, port);
    o.connect.timeout = 2s;
    o.backoff_initial = 20ms;
    o.backoff_max = 300ms;
    return o;
}

protocol::ContributionPost post(const std::string& room, const std::string& text) {
    protocol::ContributionPost p;
    p.room = room;
    p.text = text;
    p.category = protocol::Category::general;
    return p;
}

// A lokale kamer chaired by gemeente with politie as member.
std::string open_room(std::uint16_t port, const std::string& ref) {
    Member chair("gemeente", port), politie("politie", port);
    protocol::RoomOpen open;
    open.case_ref = ref;
    auto room = *chair.call(open).room;
    protocol::MemberInvite invite;
    invite.room = room;
    invite.organisation = politie.oin();
    chair.call(invite);
    protocol::MemberAccept accept;
    accept.room = room;
    politie.call(accept);
    return room;
}

// Everything politie may see in the room, read afresh from the beginning.
std::vector<ReceivedEvent> whole_room(std::uint16_t port, const std::string& room) {
    Member politie("politie", port);
    return politie.subscribe(room);
}

std::vector<std::string> texts_of(const std::vector<client::SessionEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events)
        if (e.entry.kind == "contribution.posted") out.push_back(std::string(e.entry.data.at("text").as_string()));
    return out;
}

struct Server {
    TestDatabase database;
    std::uint16_t port = free_port();  // fixed, so that a restarted kamerd is found again
    std::unique_ptr<Kamerd> kamerd;
    Server() {
        database.register_demo_partners();
        kamerd = std::make_unique<Kamerd>(database, std::map<std::string, std::string>{
                                                        {"server.listen", "127.0.0.1:" + std::to_string(port)}});
    }
};

TEST(ClientSession, TheApplicationSeesEveryChangeOnceInOrderAcrossCutConnectionsAndRestarts) {
    Server server;
    auto room = open_room(server.port, "SESSION-STREAM");
    TcpProxy proxy(server.port);

    BlockingSession reader(session_options("politie", proxy.port()));
    ASSERT_TRUE(reader.wait_connected(10s));
    reader.follow(room);

    // The chair's system posts through a Session of its own, which resends across the restart.
    constexpr int total = 300;
    std::atomic<int> acknowledged{0};
    std::thread writer([&] {
        BlockingSession chair(session_options("gemeente", server.port));
        for (int i = 0; i < total; ++i) {
            chair.call(post(room, "stream item " + std::to_string(i)), "stream-" + std::to_string(i));
            ++acknowledged;
        }
    });

    std::vector<client::SessionEvent> seen;
    auto take_for = [&](std::chrono::milliseconds d) {
        auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until)
            if (auto e = reader.next(50ms)) seen.push_back(std::move(*e));
    };
    auto wait_for_progress = [&] {
        int before = acknowledged;
        auto until = std::chrono::steady_clock::now() + 20s;
        while (acknowledged < std::min(total, before + 30) && std::chrono::steady_clock::now() < until) take_for(20ms);
    };
    // A cut counts only against a live connection (the writer may post 30 items before the
    // reader is back), so each waits for the reader's next one, polling the count: the events
    // stay in the inbox for the reads below.
    auto connected_for_the = [&](std::uint64_t n) {
        auto until = std::chrono::steady_clock::now() + 20s;
        while (reader.session().connections_made() < n && std::chrono::steady_clock::now() < until)
            std::this_thread::sleep_for(20ms);
    };
    for (int round = 0; round < 3; ++round) {
        wait_for_progress();
        connected_for_the(1 + round);
        proxy.cut();  // the network drops the reader's connection in the middle of the stream
    }
    wait_for_progress();
    connected_for_the(4);
    server.kamerd->kill();  // and kamerd dies under both
    take_for(300ms);
    server.kamerd->start();
    wait_for_progress();
    connected_for_the(5);
    proxy.cut();
    writer.join();
    connected_for_the(6);

    auto until = std::chrono::steady_clock::now() + 30s;
    while (texts_of(seen).size() < total && std::chrono::steady_clock::now() < until) take_for(100ms);

    std::vector<std::string> expected;
    for (int i = 0; i < total; ++i) expected.push_back("stream item " + std::to_string(i));
    EXPECT_EQ(texts_of(seen), expected) << "every contribution once, in order";
    // And nothing else was lost or doubled: the application's view equals a fresh read.
    auto fresh = whole_room(server.port, room);
    ASSERT_EQ(seen.size(), fresh.size());
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].cursor, fresh[i].cursor) << i;
        EXPECT_EQ(seen[i].entry.kind, fresh[i].entry.kind) << i;
    }
    EXPECT_GE(reader.session().connections_made(), 6u) << "three cuts, a restart and a final cut";
}

TEST(ClientSession, ASendDuringADisconnectIsDeliveredOnceWhenTheServerIsBack) {
    Server server;
    auto room = open_room(server.port, "SESSION-SEND");
    BlockingSession chair(session_options("gemeente", server.port));
    ASSERT_TRUE(chair.wait_connected(10s));

    server.kamerd->kill();
    auto sent = std::async(std::launch::async, [&] { return chair.call(post(room, "sent while down")); });
    EXPECT_EQ(sent.wait_for(1s), std::future_status::timeout) << "answered while kamerd was down";
    server.kamerd->start();
    ASSERT_EQ(sent.wait_for(20s), std::future_status::ready);
    auto item = *sent.get().item;

    int copies = 0;
    for (const auto& e : whole_room(server.port, room))
        if (e.entry.kind == "contribution.posted" && e.entry.data.at("text").as_string() == "sent while down") {
            ++copies;
            EXPECT_EQ(e.entry.item.value_or(""), item);
        }
    EXPECT_EQ(copies, 1);
}

TEST(ClientSession, AReplyLostOnTheWayBackIsResentWithItsIdAndAppliedOnce) {
    Server server;
    auto room = open_room(server.port, "SESSION-LOST-REPLY");
    TcpProxy proxy(server.port);
    BlockingSession chair(session_options("gemeente", proxy.port()));
    ASSERT_TRUE(chair.wait_connected(10s));

    proxy.swallow_replies(true);
    auto sent = std::async(std::launch::async, [&] { return chair.call(post(room, "reply lost")); });
    // Wait until the server has stored it, then drop the connection that never brought the ok.
    Member politie("politie", server.port);
    bool stored = false;
    for (const auto& e : politie.subscribe(room)) stored = stored || e.entry.kind == "contribution.posted";
    if (!stored) politie.wait_for("contribution.posted", 10s);
    EXPECT_EQ(sent.wait_for(200ms), std::future_status::timeout);
    proxy.cut();
    proxy.swallow_replies(false);
    ASSERT_EQ(sent.wait_for(20s), std::future_status::ready);
    auto item = *sent.get().item;

    int copies = 0;
    for (const auto& e : whole_room(server.port, room))
        if (e.entry.kind == "contribution.posted") {
            ++copies;
            EXPECT_EQ(e.entry.item.value_or(""), item) << "the resend got the stored reply";
        }
    EXPECT_EQ(copies, 1);
}

TEST(ClientSession, AFullQueueReportsQueueFullAndTheQueuedRequestsGoOutLater) {
    Server server;
    auto room = open_room(server.port, "SESSION-QUEUE");
    auto options = session_options("gemeente", server.port);
    options.max_queued = 3;
    BlockingSession chair(options);
    ASSERT_TRUE(chair.wait_connected(10s));
    server.kamerd->kill();

    std::vector<std::future<protocol::Ok>> queued;
    for (int i = 0; i < 3; ++i)
        queued.push_back(std::async(std::launch::async, [&, i] { return chair.call(post(room, "queued " + std::to_string(i))); }));
    std::this_thread::sleep_for(300ms);  // all three are waiting in the queue now
    try {
        chair.call(post(room, "one too many"));
        ADD_FAILURE() << "a fourth request was queued";
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), ErrorCode::queue_full) << e.what();
    }
    server.kamerd->start();
    for (auto& f : queued) {
        ASSERT_EQ(f.wait_for(20s), std::future_status::ready);
        EXPECT_TRUE(f.get().item);
    }
    std::multiset<std::string> texts;
    for (const auto& e : whole_room(server.port, room))
        if (e.entry.kind == "contribution.posted") texts.insert(std::string(e.entry.data.at("text").as_string()));
    EXPECT_EQ(texts, (std::multiset<std::string>{"queued 0", "queued 1", "queued 2"}));
}

TEST(ClientSession, ARestartedPartnerSystemResumesFromItsSavedPosition) {
    Server server;
    auto room = open_room(server.port, "SESSION-POSITION");
    {
        BlockingSession chair(session_options("gemeente", server.port));
        for (int i = 0; i < 10; ++i) chair.call(post(room, "position " + std::to_string(i)));
    }
    auto path = std::filesystem::temp_directory_path() / ("kamer-positions-" + std::to_string(::getpid()));
    std::vector<client::SessionEvent> first, second;
    {
        auto options = session_options("politie", server.port);
        options.positions = std::make_shared<client::FilePositionStore>(path.string());
        BlockingSession reader(options);
        reader.follow(room);
        while (texts_of(first).size() < 4)
            if (auto e = reader.next(5s)) first.push_back(std::move(*e));
            else break;
    }  // closed: the position of the last event taken is saved
    {
        auto options = session_options("politie", server.port);
        options.positions = std::make_shared<client::FilePositionStore>(path.string());
        BlockingSession reader(options);
        reader.follow(room);
        while (auto e = reader.next(1s)) second.push_back(std::move(*e));
    }
    std::filesystem::remove(path);
    auto a = texts_of(first), b = texts_of(second);
    ASSERT_EQ(a.size(), 4u);
    ASSERT_EQ(b.size(), 6u) << "the rest, and nothing taken before";
    EXPECT_EQ(b.front(), "position 4");
    EXPECT_EQ(first.size() + second.size(), whole_room(server.port, room).size());
}

TEST(ClientSession, AnUnregisteredOrganisationEndsTheSessionInsteadOfRetryingForever) {
    TestDatabase database;  // nobody registered
    Kamerd kamerd(database);
    BlockingSession stranger(session_options("politie", kamerd.port()));
    EXPECT_FALSE(stranger.wait_connected(5s));
    EXPECT_NE(stranger.session().failure().find("4001"), std::string::npos) << stranger.session().failure();
    try {
        stranger.next(1s);
        ADD_FAILURE() << "an ended session gave an event";
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), ErrorCode::disconnected);
    }
}

TEST(ClientSession, FollowingARoomOfWhichWeAreNotAMemberIsRefused) {
    Server server;
    auto room = open_room(server.port, "SESSION-NOT-MEMBER");
    BlockingSession ggz(session_options("ggz", server.port));
    try {
        ggz.follow(room);
        ADD_FAILURE() << "followed a room without being a member";
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
    }
}

// An io_context on a thread of its own, as an application runs the asynchronous Connection;
// stopped and joined on the way out, also when an assertion ends the test early.
struct IoThread {
    boost::asio::io_context io;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work = boost::asio::make_work_guard(io);
    std::atomic<bool> finished = false;
    std::thread runner{[this] {
        io.run();
        finished = true;
    }};
    ~IoThread() {
        io.stop();
        runner.join();
    }

    std::shared_ptr<client::Connection> connect(const std::string& slug, std::uint16_t port) {
        return connect(client_options(slug, port));
    }
    std::shared_ptr<client::Connection> connect(client::ConnectOptions options) {
        return boost::asio::co_spawn(io, client::Connection::connect(io.get_executor(), std::move(options)),
                                     boost::asio::use_future)
            .get();
    }
    // From here io.run() returns once nothing of the connections is left running: whether it
    // did within 10 s.
    bool wind_down() {
        work.reset();
        for (int i = 0; i < 1000 && !finished; ++i) std::this_thread::sleep_for(10ms);
        return finished;
    }
};

// The Session drops connections while their close or receive is still under way (ASan found
// that the connection's state was freed under them): letting go of the last handle closes the
// connection, ends what was under way cleanly, and leaves nothing running behind.
TEST(ClientConnection, LettingGoOfTheLastHandleClosesAndEndsWhatIsUnderWay) {
    namespace asio = boost::asio;
    Server server;
    IoThread loop;
    auto connection = loop.connect("politie", server.port);
    auto receiving = asio::co_spawn(loop.io, connection->receive(), asio::use_future);
    connection.reset();
    ASSERT_EQ(receiving.wait_for(10s), std::future_status::ready) << "a receive outlived its closed connection";
    try {
        receiving.get();
        ADD_FAILURE() << "a closed connection gave a message";
    } catch (const client::RequestError& e) {
        EXPECT_EQ(e.code(), ErrorCode::disconnected);
    }
    EXPECT_TRUE(loop.wind_down()) << "the connection's coroutines kept running after it closed";
}

// The code a request failed with; none when it succeeded.
template <class Reply>
std::optional<ErrorCode> failure_of(std::future<Reply>& reply) {
    try {
        reply.get();
    } catch (const client::RequestError& e) {
        return e.code();
    }
    return std::nullopt;
}

// A post under a given id; the request lives in the coroutine's frame until it is sent.
boost::asio::awaitable<protocol::Ok> post_as(std::shared_ptr<client::Connection> connection,
                                            protocol::ContributionPost request, std::string id) {
    co_return co_await connection->call(request, id);
}

// A server whose replies never arrive (the proxy swallows them): every request ends at its own
// deadline, not at the first one's; a request under the id of one still waiting takes its
// place, and the one it replaced is told so at once; what still waits when the connection
// ends learns that it ended.
TEST(ClientConnection, RequestsWithoutAReplyEndAtTheirOwnDeadlineOrWithTheConnection) {
    namespace asio = boost::asio;
    Server server;
    auto room = open_room(server.port, "NO-REPLY");
    TcpProxy proxy(server.port);
    IoThread loop;
    auto options = client_options("gemeente", proxy.port());
    options.timeout = 1s;
    auto chair = loop.connect(options);
    auto send = [&](const std::string& text, const std::string& id) {
        return asio::co_spawn(loop.io, post_as(chair, post(room, text), id), asio::use_future);
    };

    proxy.swallow_replies(true);
    auto first = send("first", "first");
    std::this_thread::sleep_for(500ms);
    auto second_sent = std::chrono::steady_clock::now();
    auto second = send("second", "second");
    auto replaced = send("replaced", "again");
    auto in_its_place = send("in its place", "again");
    ASSERT_EQ(replaced.wait_for(300ms), std::future_status::ready) << "the replaced request waited on";
    EXPECT_EQ(failure_of(replaced), ErrorCode::outcome_unknown);

    ASSERT_EQ(first.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(failure_of(first), ErrorCode::timeout);
    ASSERT_EQ(second.wait_for(5s), std::future_status::ready);
    // A timer that fires late (a loaded machine) may end both at once; the second must not end
    // before its own timeout, half a second after the first one's.
    EXPECT_GE(std::chrono::steady_clock::now() - second_sent, options.timeout)
        << "the second request ended at the first one's deadline";
    EXPECT_EQ(failure_of(second), ErrorCode::timeout);
    ASSERT_EQ(in_its_place.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(failure_of(in_its_place), ErrorCode::timeout);

    auto last = send("last", "last");
    proxy.cut();
    ASSERT_EQ(last.wait_for(5s), std::future_status::ready) << "a request outlived its connection";
    EXPECT_EQ(failure_of(last), ErrorCode::disconnected);
    chair.reset();
    EXPECT_TRUE(loop.wind_down()) << "the connection's timer or coroutines kept running after it ended";
}

// The texts of the next `count` contributions the connection receives; a failure when none
// came for `wait`.
std::vector<std::string> posted_texts(IoThread& loop, client::Connection& connection, std::size_t count,
                                      std::chrono::seconds wait) {
    namespace asio = boost::asio;
    std::vector<std::string> seen;
    while (seen.size() < count) {
        auto next = asio::co_spawn(loop.io, connection.receive(), asio::use_future);
        if (next.wait_for(wait) != std::future_status::ready) {
            ADD_FAILURE() << "no event after " << seen.size();
            break;
        }
        auto env = next.get();
        if (env.type != protocol::Events::type) continue;
        for (auto& e : protocol::decode_body<protocol::Events>(env, protocol::DecodeOptions{false}).events)
            if (e.entry.kind == "contribution.posted") seen.emplace_back(e.entry.data.at("text").as_string());
    }
    return seen;
}

// The library reads on while the application asks for no events, up to a backlog of 1 024;
// then it stops reading (TCP and the server hold the rest) until the application catches up.
// Nothing is lost or reordered either way.
TEST(ClientConnection, AnApplicationThatFallsBehindGetsEveryEventInOrder) {
    namespace asio = boost::asio;
    Server server;
    auto room = open_room(server.port, "BACKLOG");
    IoThread loop;
    auto politie = loop.connect("politie", server.port);
    protocol::Subscribe subscribe;
    subscribe.room = room;
    asio::co_spawn(loop.io, politie->call(subscribe), asio::use_future).get();

    constexpr int total = 1100;  // one event each, posted one after the other
    std::vector<std::string> expected;
    Member chair("gemeente", server.port);
    for (int i = 0; i < total; ++i) {
        expected.push_back("bericht " + std::to_string(i));
        chair.call(post(room, expected.back()));
    }
    EXPECT_EQ(posted_texts(loop, *politie, expected.size(), 10s), expected);
    politie.reset();
    loop.wind_down();
}

// A subscribe's reply follows its catch-up, and a slow line may take longer than the request
// timeout to carry that: while pages of it keep arriving, the subscribe waits on, and it ends
// with every item in order (the library once gave up on it, and a resuming system that
// subscribed again started over).
TEST(ClientConnection, ASubscribeWaitsAsLongAsItsCatchUpKeepsArriving) {
    namespace asio = boost::asio;
    Server server;
    auto room = open_room(server.port, "SLOW-LINE");
    constexpr int total = 128;  // 60 KiB each: eight pages of catch-up
    std::vector<std::string> expected;
    Member chair("gemeente", server.port);
    for (int i = 0; i < total; ++i) {
        expected.push_back(std::to_string(i) + " " + std::string(60 * 1024, 'x'));
        chair.call(post(room, expected.back()));
    }
    TcpProxy proxy(server.port);
    IoThread loop;
    auto options = client_options("politie", proxy.port());
    // Half the catch-up's time, four times a page's: the first page, logged as disclosures
    // before it is sent, must also come within it on a loaded machine under TSan (where a
    // page took about a second more than the line alone needs).
    options.timeout = 8s;
    auto politie = loop.connect(options);
    proxy.limit_replies(512 * 1024);  // a page every two seconds: about 16 s for all of it
    protocol::Subscribe subscribe;
    subscribe.room = room;
    auto started = std::chrono::steady_clock::now();
    auto subscribed = asio::co_spawn(loop.io, politie->call(subscribe), asio::use_future);
    ASSERT_EQ(subscribed.wait_for(60s), std::future_status::ready);
    EXPECT_EQ(failure_of(subscribed), std::nullopt);
    EXPECT_GT(std::chrono::steady_clock::now() - started, options.timeout) << "the catch-up was quicker than the timeout";

    // The reply follows the catch-up: every page is in already.
    EXPECT_EQ(posted_texts(loop, *politie, expected.size(), 5s), expected);
    politie.reset();
    EXPECT_TRUE(loop.wind_down());
}

}  // namespace
}  // namespace kamer::test
