#pragma once
// One connection to a Kamer server: mutual TLS, WebSocket subprotocol kamer.v1, hello/welcome,
// then typed requests and a stream of server-initiated messages (events).
//
// Thread-safety: every member function may be called from any thread; the connection runs its I/O
// on its own strand. Awaiting functions resume on the caller's executor. An operation under way may
// outlive the Connection handle; dropping the last handle closes the connection.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kamer/client/errors.hpp"
#include "kamer/client/session_reuse.hpp"
#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/session.hpp"

namespace kamer::client {

struct ConnectOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8443;
    std::string server_name = "localhost";  // checked against the server certificate
    std::string certificate_file;           // organisation certificate chain (PEM, leaf first)
    std::string private_key_file;           // its key (PEM)
    std::string ca_file;                    // CA bundle that issued the server certificate
    std::string crl_file;                   // optional: CRLs to check the server certificate against
    std::string client_name = "kamer-client-lib/0.1";
    std::optional<protocol::Actor> actor;   // default professional for this session
    // To connect, and for each reply; a subscribe waits this long after each page of its
    // catch-up, as a large room on a slow line may take longer than this to catch up on.
    std::chrono::milliseconds timeout{10000};
    std::chrono::milliseconds idle_timeout{60000};   // pinged when quiet; closed when silent this long
    std::size_t max_message_bytes = 16 * 1024 * 1024;
    std::shared_ptr<SessionReuse> session_reuse;  // optional: resume TLS sessions across connections
};

class Connection {
public:
    // Connects and greets. Throws ConnectError.
    static boost::asio::awaitable<std::shared_ptr<Connection>> connect(boost::asio::any_io_executor executor,
                                                                       ConnectOptions options);
    ~Connection();

    const protocol::Welcome& welcome() const;

    // Sends a request and waits for its reply. `id` is the client message id; pass the same
    // id again to retry safely. Throws RequestError (`timeout` when no reply came in time,
    // `disconnected` when the connection ended first: in both cases resend with the same id).
    template <class Request>
    boost::asio::awaitable<typename Request::reply> call(const Request& request, std::optional<std::string> id = {},
                                                         std::optional<protocol::Actor> actor = {}) {
        auto envelope = co_await call_raw(std::string(Request::type), protocol::encode_value(request), std::move(id),
                                          std::move(actor));
        co_return decode_reply<typename Request::reply>(envelope);
    }

    // The untyped form of call(): the reply envelope (never an error reply: that throws).
    boost::asio::awaitable<protocol::Envelope> call_raw(std::string type, boost::json::value body,
                                                        std::optional<std::string> id = {},
                                                        std::optional<protocol::Actor> actor = {});

    // The next message the server sent on its own (events, notices). Throws RequestError with
    // code `disconnected` once the connection has ended and nothing is left.
    boost::asio::awaitable<protocol::Envelope> receive();

    // Sends text as-is (for tests of hostile input); replies to it arrive through receive().
    boost::asio::awaitable<void> send_raw(std::string text);

    // Closes with a normal close code.
    boost::asio::awaitable<void> close();

    // The WebSocket close code the server sent (0 while open or when none was received).
    std::uint16_t close_code() const;

    // A fresh client message id.
    std::string next_id();

    template <class Reply>
    static Reply decode_reply(const protocol::Envelope& envelope) {
        try {
            return protocol::decode_body<Reply>(envelope, protocol::DecodeOptions{false});
        } catch (const protocol::ProtocolError& e) {
            throw RequestError(protocol::ErrorCode::internal, "unexpected reply from server: " + e.error().message);
        }
    }

private:
    struct Impl;
    explicit Connection(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

}  // namespace kamer::client
