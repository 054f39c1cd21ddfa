// WebSocket protocol violations in the spirit of the Autobahn test suite (framing, reserved
// bits, opcodes, control frames, UTF-8, close codes, limits), written as raw frames after a
// real mutual-TLS upgrade. Each ends with the RFC 6455 close code within a second; a client
// connected before and a new client are served afterwards, and nothing was stored.
#include <gtest/gtest.h>

#include <thread>

#include "harness.hpp"
#include "raw_websocket.hpp"
#include "stored_rows.hpp"

#include "kamer/client/blocking_connection.hpp"
#include "kamer/protocol/close_codes.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace kamer::test {
namespace {

using namespace std::chrono_literals;
using client::BlockingConnection;
using protocol::CloseCode;
namespace op = opcode;

class WebSocketHostile : public ::testing::Test {
protected:
    void SetUp() override {
        env = &demo_server();
        bystander = std::make_unique<BlockingConnection>(client_options("politie", port()));
        stored_before = stored_rows(env->database);
        ws = std::make_unique<RawWebSocket>(port(), "gemeente");
    }

    std::uint16_t port() const { return env->server.port(); }

    // The server closes with `code` within a second, then serves the others as before.
    void expect_closed_with(CloseCode code) {
        auto ending = ws->wait_for_close(1s);
        EXPECT_TRUE(ending.close_frame) << (ending.timed_out ? "still open after 1 s" : "TCP close without a close frame");
        EXPECT_EQ(ending.code, static_cast<int>(code)) << "reason: " << ending.reason;
        EXPECT_LT(ending.after, 1s);
        expect_unaffected();
    }

    void expect_unaffected() {
        EXPECT_TRUE(env->server.running());
        EXPECT_NO_THROW(bystander->call(protocol::Ping{})) << "a connected client was affected";
        EXPECT_NO_THROW(BlockingConnection(client_options("ggz", port())).call(protocol::Ping{}))
            << "a new client was not served";
        EXPECT_EQ(stored_rows(env->database), stored_before);
    }

    DemoServer* env = nullptr;
    std::unique_ptr<BlockingConnection> bystander;
    std::unique_ptr<RawWebSocket> ws;
    long long stored_before = 0;
};

const std::string ping_body = R"({"type":"ping","id":"p1","body":{}})";

TEST_F(WebSocketHostile, FragmentedTextWithPingInBetweenIsServed) {
    // The control case: legal fragmentation with an interleaved ping works.
    std::string hello = R"({"type":"hello","id":"h","body":{"client":"fragments"}})";
    ws->send_frame(op::text, hello.substr(0, 10));
    ws->send_frame(op::fin | op::ping, "are you there");
    ws->send_frame(op::continuation, hello.substr(10, 20));
    ws->send_frame(op::fin | op::continuation, hello.substr(30));
    auto pong = ws->read_frame(2s);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->op(), op::pong);
    EXPECT_EQ(pong->payload, "are you there");
    auto welcome = ws->read_frame(2s);
    ASSERT_TRUE(welcome);
    EXPECT_NE(welcome->payload.find("\"welcome\""), std::string::npos) << welcome->payload;
    expect_unaffected();
}

TEST_F(WebSocketHostile, ReservedBitsCloseWith1002) {
    for (std::uint8_t rsv : {op::rsv1, op::rsv2, op::rsv3}) {
        ws = std::make_unique<RawWebSocket>(port(), "gemeente");
        ws->send_frame(op::fin | rsv | op::text, ping_body);
        SCOPED_TRACE("rsv bit " + std::to_string(rsv));
        expect_closed_with(CloseCode::protocol_error);
    }
}

TEST_F(WebSocketHostile, UnknownOpcodesCloseWith1002) {
    for (std::uint8_t code : {0x3, 0x7, 0xB, 0xF}) {
        ws = std::make_unique<RawWebSocket>(port(), "gemeente");
        ws->send_frame(op::fin | code, "x");
        SCOPED_TRACE("opcode " + std::to_string(code));
        expect_closed_with(CloseCode::protocol_error);
    }
}

TEST_F(WebSocketHostile, FragmentedControlFrameClosesWith1002) {
    ws->send_frame(op::ping, "part");
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, ControlFrameOver125BytesClosesWith1002) {
    ws->send_frame(op::fin | op::ping, std::string(126, 'p'));
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, UnmaskedClientFrameClosesWith1002) {
    ws->send_frame(op::fin | op::text, ping_body, false);
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, ContinuationWithoutStartClosesWith1002) {
    ws->send_frame(op::fin | op::continuation, ping_body);
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, NewMessageInsideAFragmentedOneClosesWith1002) {
    ws->send_frame(op::text, "{\"type\":");
    ws->send_frame(op::fin | op::text, ping_body);
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, InvalidUtf8InTextClosesWith1007) {
    ws->send_text("{\"type\":\"ping\",\"id\":\"\xc3\x28\",\"body\":{}}");
    expect_closed_with(CloseCode::invalid_payload);
}

TEST_F(WebSocketHostile, InvalidUtf8InAFirstFragmentClosesWith1007) {
    // Found invalid before the message is complete: the server need not wait for the rest.
    ws->send_frame(op::text, "{\"text\":\"\xed\xa0\x80");  // a UTF-16 surrogate, invalid in UTF-8
    expect_closed_with(CloseCode::invalid_payload);
}

TEST_F(WebSocketHostile, OverlongUtf8ClosesWith1007) {
    ws->send_text("{\"type\":\"ping\",\"id\":\"\xc0\xaf\",\"body\":{}}");
    expect_closed_with(CloseCode::invalid_payload);
}

TEST_F(WebSocketHostile, BadCloseCodesCloseWith1002) {
    // The codes RFC 6455 reserves or leaves unused (Autobahn 7.9). Codes above 4999 are
    // undefined rather than forbidden (Autobahn 7.13, informational): Beast echoes them.
    for (int code : {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999}) {
        ws = std::make_unique<RawWebSocket>(port(), "gemeente");
        std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
        ws->send_frame(op::fin | op::close, payload);
        SCOPED_TRACE("close code " + std::to_string(code));
        expect_closed_with(CloseCode::protocol_error);
    }
}

TEST_F(WebSocketHostile, OneByteClosePayloadClosesWith1002) {
    ws->send_frame(op::fin | op::close, "x");
    expect_closed_with(CloseCode::protocol_error);
}

TEST_F(WebSocketHostile, InvalidUtf8CloseReasonIsRefused) {
    ws->send_frame(op::fin | op::close, std::string("\x03\xe8\xff\xfe", 4));
    auto ending = ws->wait_for_close(1s);
    EXPECT_TRUE(ending.close_frame);
    // RFC 6455 allows either; Beast answers a bad close payload as a protocol error.
    EXPECT_TRUE(ending.code == 1002 || ending.code == 1007) << ending.code;
    expect_unaffected();
}

TEST_F(WebSocketHostile, ValidCloseIsEchoed) {
    ws->send_frame(op::fin | op::close, std::string("\x03\xe8", 2) + "bye");
    expect_closed_with(CloseCode::normal);
}

TEST_F(WebSocketHostile, MessageOverTheLimitClosesWith1009BeforeItsPayload) {
    // Only the header claims 1 MiB + 1: the server judges the declared length, it does not
    // wait for (or buffer) the payload.
    ws->send_frame(op::fin | op::text, "", true, 1024 * 1024 + 1);
    expect_closed_with(CloseCode::message_too_big);
}

TEST_F(WebSocketHostile, FragmentsOverTheLimitCloseWith1009) {
    std::string quarter(256 * 1024, ' ');
    ws->send_frame(op::text, "[" + quarter.substr(1));
    for (int i = 0; i < 3; ++i) ws->send_frame(op::continuation, quarter);
    // 1 MiB exactly so far: the next fragment (even a final one of one byte) is one too many.
    ws->send_frame(op::fin | op::continuation, "]");
    expect_closed_with(CloseCode::message_too_big);
}

TEST_F(WebSocketHostile, MessageAtTheLimitIsRead) {
    // 1 MiB exactly is accepted by the framing layer and answered by the decoder.
    ws->greet();
    std::string text = R"({"type":"ping","id":"big","body":{},"pad":")";
    text += std::string(1024 * 1024 - text.size() - 2, 'x') + "\"}";
    ASSERT_EQ(text.size(), 1024u * 1024u);
    ws->send_text(text);
    auto reply = ws->read_frame(5s);
    ASSERT_TRUE(reply);
    EXPECT_NE(reply->payload.find("\"error\""), std::string::npos) << reply->payload.substr(0, 200);
    expect_unaffected();
}

TEST_F(WebSocketHostile, Length64WithTheTopBitSetClosesWith1002) {
    ws->send_frame(op::fin | op::text, "", true, 0x8000000000000000ull);
    auto ending = ws->wait_for_close(1s);
    EXPECT_TRUE(ending.close_frame);
    // Either a framing error or a size error: both are refusals before any payload is read.
    EXPECT_TRUE(ending.code == 1002 || ending.code == 1009) << ending.code;
    expect_unaffected();
}

TEST_F(WebSocketHostile, BinaryMessageClosesWith1003) {
    ws->greet();
    ws->send_frame(op::fin | op::binary, ping_body);
    expect_closed_with(CloseCode::unsupported_data);
}

TEST_F(WebSocketHostile, PermessageDeflateIsNotNegotiated) {
    ws = std::make_unique<RawWebSocket>(port(), "gemeente",
                                        "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
    EXPECT_EQ(ws->upgrade_response().find("Sec-WebSocket-Extensions"), std::string::npos) << ws->upgrade_response();
    // A compressed frame (RSV1) is then a protocol error, not a decompression bomb.
    ws->send_frame(op::fin | op::rsv1 | op::text, std::string("\xf2\x48\xcd\xc9\xc9\x07\x00", 7));
    expect_closed_with(CloseCode::protocol_error);
}

// kamerd's TLS layer writes the socket with write(2): a peer that shuts its socket and then
// resets it while kamerd is still sending must cost that connection only, never the process
// (SIGPIPE: found by the client session test, whose proxy cuts connections just so).
TEST(PeerGone, ResetsWhileKamerdIsSendingACatchUpLeaveItServing) {
    DemoServer env;  // a kamerd of its own
    BlockingConnection chair(client_options("gemeente", env.server.port()));
    protocol::RoomOpen open;
    open.case_ref = "RESET-MID-STREAM";
    auto room = std::string(*chair.call(open).room);
    protocol::ContributionPost post;
    post.room = room;
    post.text = std::string(60 * 1024, 'x');
    post.category = protocol::Category::general;
    for (int i = 0; i < 40; ++i) chair.call(post);  // a catch-up of 2.4 MB, more than the socket buffers

    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(env.server.running()) << "kamerd died after " << i << " resets";
        RawWebSocket peer(env.server.port(), "gemeente");
        peer.greet();
        peer.send_text(R"({"type":"subscribe","id":"s","body":{"room":")" + room + R"("}})");
        peer.read_frame(1s);  // kamerd is streaming now
        peer.reset();
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(env.server.running()) << env.server.log();
    EXPECT_NO_THROW(chair.call(protocol::Ping{}));
}

}  // namespace
}  // namespace kamer::test
