// Connection caps per address and per organisation, and the per-session rate limit: each ends
// with its documented refusal, and other addresses, organisations and sessions are served.
// Requests beyond max_in_flight wait unread until one completes, and are then all answered.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "raw_websocket.hpp"
#include "stored_rows.hpp"
#include "tcp_client.hpp"

#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/close_codes.hpp"

namespace kamer::test {
namespace {

using namespace std::chrono_literals;
using client::BlockingConnection;
using protocol::CloseCode;

TEST(Limits, AddressCapRefusesTheNextConnectionFromThatAddressOnly) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"limits.max_connections_per_address", "10"}});
    std::vector<int> held;
    for (int i = 0; i < 10; ++i) held.push_back(tcp_connect(server.port(), "127.0.0.2"));
    std::this_thread::sleep_for(200ms);
    for (int fd : held) EXPECT_FALSE(closed_by_server(fd)) << "a connection within the cap was closed";

    int over = tcp_connect(server.port(), "127.0.0.2");
    ASSERT_GE(over, 0);
    auto deadline = std::chrono::steady_clock::now() + 1s;
    bool closed = false;
    while (!(closed = closed_by_server(over)) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(10ms);
    EXPECT_TRUE(closed) << "the eleventh connection from 127.0.0.2 was not closed within a second";
    EXPECT_TRUE(server.wait_for_log({"connection.refused", "\"stage\":\"accept\"", "\"reason\":\"too_many_connections\"",
                                     "127.0.0.2"}));
    EXPECT_NO_THROW(BlockingConnection(client_options("gemeente", server.port())).call(protocol::Ping{}))
        << "another address was refused";
    for (int fd : held) close(fd);
    close(over);
    EXPECT_EQ(stored_rows(database), 0);
}

TEST(Limits, OrganisationCapClosesTheNextSessionWith4010) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"limits.max_connections_per_organisation", "2"}});
    BlockingConnection first(client_options("gemeente", server.port())), second(client_options("gemeente", server.port()));
    try {
        BlockingConnection third(client_options("gemeente", server.port()));
        ADD_FAILURE() << "a third session of one organisation was admitted";
    } catch (const client::ConnectError& e) {
        EXPECT_EQ(e.close_code(), static_cast<int>(CloseCode::too_many_connections)) << e.what();
    }
    EXPECT_TRUE(server.wait_for_log({"connection.refused", "\"reason\":\"too_many_connections\""}));
    EXPECT_NO_THROW(first.call(protocol::Ping{}));
    EXPECT_NO_THROW(BlockingConnection(client_options("politie", server.port())).call(protocol::Ping{}))
        << "another organisation was refused";
    EXPECT_EQ(stored_rows(database), 0);
}

TEST(Limits, FloodGetsRateLimitedErrorsThenCloses4009) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"limits.messages_per_second", "5"}, {"limits.message_burst", "5"}});
    BlockingConnection bystander(client_options("politie", server.port()));
    RawWebSocket flood(server.port(), "gemeente");
    flood.greet();  // one token of the burst
    for (int i = 0; i < 30; ++i) flood.send_text(R"({"type":"ping","id":"f)" + std::to_string(i) + R"(","body":{}})");
    int pongs = 0, rate_limited = 0, close_code = 0;
    while (auto frame = flood.read_frame(2s)) {
        if (frame->op() == opcode::close) {
            close_code = close_code_of(*frame);
            break;
        }
        if (frame->payload.find("\"pong\"") != std::string::npos) ++pongs;
        if (frame->payload.find("\"rate_limited\"") != std::string::npos) ++rate_limited;
    }
    EXPECT_GE(pongs, 4);
    EXPECT_LE(pongs, 6);  // the burst, and at most a token regained meanwhile
    EXPECT_GE(rate_limited, 1);
    EXPECT_EQ(close_code, static_cast<int>(CloseCode::rate_limited));
    EXPECT_NO_THROW(bystander.call(protocol::Ping{})) << "another session was limited too";
    EXPECT_EQ(stored_rows(database), 0);
}

TEST(Limits, RequestsBeyondMaxInFlightWaitTheirTurnAndAreAllAnswered) {
    TestDatabase database;
    database.register_demo_partners();
    Kamerd server(database, {{"limits.max_in_flight", "1"}, {"limits.message_burst", "100"}});
    RawWebSocket client(server.port(), "gemeente");
    client.greet();
    // Sent at once, and then a close: the server reads the next one only after answering the
    // one before, and reaches the close after the last.
    constexpr int count = 30;
    for (int i = 0; i < count; ++i)
        client.send_text(R"({"type":"room.list","id":"r)" + std::to_string(i) + R"(","body":{}})");
    client.send_frame(opcode::fin | opcode::close, std::string("\x03\xe8", 2));
    std::vector<std::string> answered;
    while (answered.size() < count) {
        auto frame = client.read_frame(5s);
        if (!frame) break;
        ASSERT_EQ(frame->op(), opcode::text) << "the session was closed";
        ASSERT_NE(frame->payload.find(R"("type":"rooms")"), std::string::npos) << frame->payload;
        auto at = frame->payload.find(R"("re":")");
        ASSERT_NE(at, std::string::npos) << frame->payload;
        answered.push_back(frame->payload.substr(at + 6, frame->payload.find('"', at + 6) - at - 6));
    }
    ASSERT_EQ(answered.size(), static_cast<std::size_t>(count)) << "requests waiting for their turn were not answered";
    for (int i = 0; i < count; ++i) EXPECT_EQ(answered[i], "r" + std::to_string(i)) << "answered out of order";
    auto ending = client.wait_for_close(5s);
    EXPECT_TRUE(ending.close_frame);
    EXPECT_FALSE(ending.timed_out);
}

}  // namespace
}  // namespace kamer::test
