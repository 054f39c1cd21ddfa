#pragma once
// One partner connection: TLS handshake with certificate verification, identity from the
// certificate, WebSocket upgrade with subprotocol kamer.v1, the hello/welcome greeting, then
// requests in and replies and events out.
//
// Everything runs on the session's strand. Admission (TLS, upgrade, registry) is a coroutine;
// after it, reads are a chain of completion handlers, so that an idle session holds no
// coroutine frames, paused while the session has max_in_flight requests being processed.
// Writes: a bounded queue written one message at a time. A peer that leaves more than
// send_queue_bytes queued for slow_consumer_seconds, or lets the queue reach
// send_queue_max_bytes, is closed as a slow consumer.
// send(), close() and peer() may be called from any thread.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/config.hpp"
#include "identity/certificate_identity.hpp"
#include "identity/partner_registry.hpp"
#include "kamer/protocol/close_codes.hpp"
#include "kamer/protocol/envelope.hpp"
#include "net/tls_context.hpp"
#include "net/tls_stream.hpp"

namespace kamer::server::net {

class ConnectionTracker;
class Router;

// What a session knows of its peer once authenticated; fixed from then on.
struct Peer {
    identity::Organisation organisation;
    identity::CertificateIdentity certificate;
    std::optional<protocol::Actor> actor;  // default professional, from hello
    std::string client;                    // client software, from hello
};

struct SessionServices {
    const Config::Limits& limits;
    const identity::PartnerRegistry& registry;
    const Router& router;
    ConnectionTracker& tracker;
    std::string server_name;
    std::function<void(std::uint64_t session)> on_closed;  // the session's subscriptions end
};

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(boost::asio::ip::tcp::socket socket, TlsContext context, std::string remote_address,
            SessionServices& services);
    ~Session();

    void start();

    std::uint64_t id() const { return id_; }
    // Valid once the session is authenticated, which is before any handler runs.
    const Peer& peer() const { return peer_; }
    const std::string& remote_address() const { return remote_address_; }

    // Queues an encoded message. Messages are shared: one buffer may go to many sessions.
    void send(std::shared_ptr<const std::string> message);
    // Bytes queued for sending, and the bound it must not stay past (see the class comment).
    std::size_t backlog() const { return backlog_.load(std::memory_order_relaxed); }
    std::size_t backlog_limit() const { return services_.limits.send_queue_bytes; }

    // Closes with a WebSocket close code; `flush` first sends what is queued.
    void close(protocol::CloseCode code, bool flush = false);
    // Server shutdown: takes no new requests (they get `unavailable`), lets those in flight be
    // committed and acknowledged, then closes with 1001 so the client resumes elsewhere.
    void shut_down();
    // After a reload: closes the session (4003) when its certificate is no longer good under
    // the new trust store and CRLs.
    void revalidate(TlsContext fresh);

    // The professional a request acts as: its own actor, else the session's.
    const std::optional<protocol::Actor>& actor_for(const std::optional<protocol::Actor>& own) const {
        return own ? own : peer_.actor;
    }

private:
    friend class Responder;
    using WebSocket = boost::beast::websocket::stream<TlsStream>;
    using Clock = std::chrono::steady_clock;

    boost::asio::awaitable<bool> admit();  // TLS, upgrade and registry: true when admitted
    boost::asio::awaitable<std::optional<boost::beast::http::request<boost::beast::http::empty_body>>> upgrade();
    boost::asio::awaitable<void> linger_and_close();

    void read_next();
    void resume_reading();  // after a request completes, or when closing
    void on_message(boost::beast::error_code ec);
    void end_reading(boost::beast::error_code ec);
    void report_crash(std::exception_ptr e) const;

    void handle(std::string_view text);
    void handle_hello(protocol::Envelope&& envelope);
    void reply_error(const std::optional<std::string>& re, const protocol::Error& error);
    void complete_request(std::string encoded);  // from Responder, any thread

    void enqueue(std::shared_ptr<const std::string> message);
    void write_next();
    void watch_backlog(Clock::time_point since);  // the queue went past the bound
    void cut_off_slow_consumer(std::string_view reason);
    void start_close(protocol::CloseCode code, bool flush);
    void finish_close();
    void arm_deadline(std::chrono::seconds after, const char* phase);
    bool take_token();
    void refuse(std::string_view stage, std::string_view reason);

    WebSocket ws_;
    TlsContext context_;  // keeps the SSL_CTX of this session alive across reloads
    boost::asio::steady_timer deadline_;
    boost::beast::flat_buffer read_buffer_;
    SessionServices& services_;
    const std::uint64_t id_;
    const std::string remote_address_;
    Peer peer_;
    std::string session_uuid_;

    std::vector<std::shared_ptr<const std::string>> queue_;  // vector, not deque: idle sessions hold nothing
    std::size_t queue_head_ = 0;
    std::size_t queued_bytes_ = 0;
    std::atomic<std::size_t> backlog_{0};  // queued_bytes_, readable from other threads
    Clock::time_point over_bound_since_;  // zero while within send_queue_bytes
    unsigned in_flight_ = 0;
    char first_byte_ = 0;       // the one-byte read that waits for the next message
    bool read_paused_ = false;  // max_in_flight reached: no read outstanding
    bool writing_ = false;
    bool closing_ = false;
    bool draining_ = false;
    bool close_sent_ = false;
    bool authenticated_ = false;
    bool greeted_ = false;
    const char* deadline_phase_ = nullptr;
    bool deadline_fired_ = false;
    protocol::CloseCode close_code_ = protocol::CloseCode::normal;

    double tokens_;
    std::chrono::steady_clock::time_point tokens_at_;
    unsigned refused_for_rate_ = 0;
};

}  // namespace kamer::server::net
