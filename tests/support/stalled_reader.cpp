#include "stalled_reader.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>

#include "kamer/protocol/messages/entries.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "kamer/protocol/messages/session.hpp"

namespace kamer::test {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace websocket = beast::websocket;

struct StalledReader::Impl {
    asio::io_context io;
    ssl::context tls{ssl::context::tls_client};
    // Made once the context holds the certificate: SSL_new copies it from the context.
    std::optional<websocket::stream<ssl::stream<asio::ip::tcp::socket>>> stream;
    websocket::stream<ssl::stream<asio::ip::tcp::socket>>& ws() { return *stream; }
    beast::flat_buffer buffer;
    Drained drained;

    void take(const std::string& text) {
        auto decoded = protocol::decode_envelope(text, protocol::Limits{});
        if (!decoded.envelope || decoded.envelope->type != protocol::Events::type) return;
        auto events = protocol::decode_body<protocol::Events>(*decoded.envelope, protocol::DecodeOptions{false});
        for (const auto& e : events.events) {
            if (e.entry.item) drained.items.push_back(*e.entry.item);
            drained.last_cursor = e.cursor;
        }
    }
    std::string read_text() {
        buffer.clear();
        ws().read(buffer);
        return beast::buffers_to_string(buffer.data());
    }
    // Reads until the reply to `id`, keeping the events that come before it.
    void until_reply(const std::string& id) {
        for (;;) {
            auto text = read_text();
            auto decoded = protocol::decode_envelope(text, protocol::Limits{});
            if (decoded.envelope && decoded.envelope->re == id) return;
            take(text);
        }
    }
};

StalledReader::StalledReader(const client::ConnectOptions& o, const std::string& room) : impl_(std::make_unique<Impl>()) {
    auto& i = *impl_;
    i.tls.use_certificate_chain_file(o.certificate_file);
    i.tls.use_private_key_file(o.private_key_file, ssl::context::pem);
    i.tls.load_verify_file(o.ca_file);
    i.tls.set_verify_mode(ssl::verify_peer);
    i.stream.emplace(i.io, i.tls);
    auto& socket = i.ws().next_layer().next_layer();
    socket.open(asio::ip::tcp::v4());
    socket.set_option(asio::socket_base::receive_buffer_size(4096));
    socket.connect({asio::ip::make_address(o.host), o.port});
    SSL_set_tlsext_host_name(i.ws().next_layer().native_handle(), o.server_name.c_str());
    i.ws().next_layer().handshake(ssl::stream_base::client);
    i.ws().set_option(websocket::stream_base::decorator(
        [](websocket::request_type& req) { req.set(beast::http::field::sec_websocket_protocol, "kamer.v1"); }));
    i.ws().read_message_max(16 * 1024 * 1024);
    i.ws().handshake(o.server_name, "/");
    i.ws().text(true);
    i.ws().write(asio::buffer(protocol::encode_message(protocol::Hello{protocol::Name("stalled-reader"), {}}, std::string("h"))));
    i.until_reply("h");
    protocol::Subscribe s;
    s.room = room;
    i.ws().write(asio::buffer(protocol::encode_message(s, std::string("s"))));
    i.until_reply("s");
}

StalledReader::~StalledReader() = default;

StalledReader::Drained StalledReader::drain() {
    auto& i = *impl_;
    try {
        for (;;) i.take(i.read_text());
    } catch (const boost::system::system_error& e) {
        if (e.code() == websocket::error::closed) i.drained.close_code = i.ws().reason().code;
        i.drained.ended_by = e.code().message();
    }
    return i.drained;
}

}  // namespace kamer::test
