#include "net/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <atomic>
#include <tuple>

#include "kamer/protocol/messages/session.hpp"
#include "net/connection_tracker.hpp"
#include "net/router.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"
#include "util/ids.hpp"

namespace kamer::server::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using protocol::CloseCode;
using protocol::ErrorCode;

namespace {

constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view subprotocol = "kamer.v1";
std::atomic<std::uint64_t> next_session_id{1};

spdlog::logger& logger() {
    static auto l = log::get("net");
    return *l;
}

obs::Counter& refusals(std::string_view stage, std::string_view reason) {
    return obs::metrics().counter("kamer_refusals_total", "Connections refused, by stage and reason",
                                  {{"stage", stage}, {"reason", reason}});
}

bool offers_subprotocol(std::string_view header) {
    // Sec-WebSocket-Protocol: a comma-separated list of tokens.
    while (!header.empty()) {
        auto comma = header.find(',');
        auto token = header.substr(0, comma);
        while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
        while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
        if (token == subprotocol) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

websocket::close_reason reason_of(CloseCode code) {
    websocket::close_reason r;
    r.code = static_cast<std::uint16_t>(code);
    auto name = protocol::to_string(code);
    r.reason.assign(name.data(), name.size());
    return r;
}

obs::Counter& messages_out(std::string_view type) {
    return obs::metrics().counter("kamer_messages_out_total", "Messages sent: replies, errors and pushed events",
                                  {{"type", type}});
}

}  // namespace

Session::Session(asio::ip::tcp::socket socket, TlsContext context, std::string remote_address,
                 SessionServices& services)
    : ws_(TlsStream(std::move(socket), context.get())),
      context_(std::move(context)),
      deadline_(ws_.get_executor()),
      services_(services),
      id_(next_session_id++),
      remote_address_(std::move(remote_address)),
      tokens_(services.limits.message_burst),
      tokens_at_(std::chrono::steady_clock::now()) {}

Session::~Session() {
    services_.tracker.release_connection(remote_address_);
    if (authenticated_ && services_.on_closed) services_.on_closed(id_);
    if (authenticated_) {
        services_.tracker.release_session(id_, peer_.organisation.id);
        obs::metrics()
            .gauge("kamer_sessions", "Authenticated sessions, by sector",
                   {{"sector", protocol::to_string(peer_.organisation.sector)}})
            .add(-1);
    }
}

void Session::start() {
    // Admission is a coroutine; serving is not. Once admitted, the coroutine and its frames
    // are gone, and an idle session holds only its pending read (see read_next).
    asio::co_spawn(ws_.get_executor(), admit(), [self = shared_from_this()](std::exception_ptr e, bool admitted) {
        if (e) {
            self->report_crash(e);
            return;
        }
        if (admitted) self->read_next();
    });
}

asio::awaitable<bool> Session::admit() {
    auto request = co_await upgrade();
    deadline_.cancel();
    if (!request) co_return false;

    auto org = services_.registry.find(peer_.certificate.oin);
    std::optional<CloseCode> refusal;
    if (!org)
        refusal = CloseCode::organisation_unknown;
    else if (org->status == protocol::OrganisationStatus::suspended)
        refusal = CloseCode::organisation_suspended;

    const auto& limits = services_.limits;
    ws_.read_message_max(limits.max_message_bytes);
    ws_.auto_fragment(false);
    ws_.write_buffer_bytes(512);
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = std::chrono::seconds(limits.handshake_timeout_seconds);
    timeouts.idle_timeout = std::chrono::seconds(limits.idle_timeout_seconds);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(http::field::sec_websocket_protocol, subprotocol);
        res.set(http::field::server, "kamer");
    }));
    auto [accept_ec] = co_await ws_.async_accept(*request, as_tuple_awaitable);
    request.reset();
    if (accept_ec) {
        refuse("upgrade", "websocket_accept_failed");
        co_return false;
    }
    if (refusal) {
        refuse("registry", protocol::to_string(*refusal));
        co_await ws_.async_close(reason_of(*refusal),
                                 as_tuple_awaitable);
        co_return false;
    }
    peer_.organisation = *org;
    if (!services_.tracker.admit_session(id_, org->id, weak_from_this())) {
        refuse("registry", "too_many_connections");
        auto code = CloseCode::too_many_connections;
        co_await ws_.async_close(reason_of(code),
                                 as_tuple_awaitable);
        co_return false;
    }
    authenticated_ = true;
    session_uuid_ = random_uuid();
    obs::metrics()
        .gauge("kamer_sessions", "Authenticated sessions, by sector", {{"sector", protocol::to_string(org->sector)}})
        .add(1);
    log::info(logger(), "session.authenticated",
              {{"conn", id_}, {"oin", org->oin}, {"sector", protocol::to_string(org->sector)}});

    arm_deadline(std::chrono::seconds(limits.hello_timeout_seconds), "hello");
    co_return true;
}

asio::awaitable<std::optional<http::request<http::empty_body>>> Session::upgrade() {
    arm_deadline(std::chrono::seconds(services_.limits.handshake_timeout_seconds), "handshake");
    auto& tls = ws_.next_layer();
    auto [hs_ec, n] = co_await tls.async_handshake(as_tuple_awaitable);
    if (hs_ec) {
        refuse("tls", deadline_fired_ ? "handshake_timeout" : refusal_reason(tls.native_handle()));
        if (!deadline_fired_) co_await linger_and_close();
        co_return std::nullopt;
    }
    SSL* ssl = tls.native_handle();
    if (SSL_session_reused(ssl)) {
        if (auto reason = recheck_certificate(ssl, SSL_get_SSL_CTX(ssl)); !reason.empty()) {
            refuse("tls", reason);
            co_return std::nullopt;
        }
    }
    auto identity = identity::identity_of(SSL_get0_peer_certificate(ssl));
    if (!identity) {
        refuse("tls", "no_oin");
        co_return std::nullopt;
    }
    peer_.certificate = std::move(*identity);

    beast::flat_buffer buffer(8 * 1024);
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8 * 1024);
    auto [rd_ec, m] = co_await http::async_read(tls, buffer, parser, as_tuple_awaitable);
    if (rd_ec) {
        refuse("upgrade", deadline_fired_ ? "handshake_timeout" : "bad_request");
        co_return std::nullopt;
    }
    auto request = parser.release();
    std::string_view problem;
    if (!websocket::is_upgrade(request))
        problem = "this endpoint speaks WebSocket only";
    else if (!offers_subprotocol(request[http::field::sec_websocket_protocol]))
        problem = "WebSocket subprotocol kamer.v1 is required";
    if (!problem.empty()) {
        http::response<http::string_body> res(http::status::bad_request, request.version());
        res.set(http::field::server, "kamer");
        res.set(http::field::content_type, "text/plain");
        res.keep_alive(false);
        res.body() = std::string(problem) + "\n";
        res.prepare_payload();
        co_await http::async_write(tls, res, as_tuple_awaitable);
        refuse("upgrade", "not_kamer_websocket");
        co_return std::nullopt;
    }
    co_return request;
}

// After refusing a handshake: stop sending, and read (and drop) what the client still sends
// for a moment before closing. Closing with unread data makes the kernel reset the connection,
// and a reset can destroy the TLS alert before the client has read why it was refused.
asio::awaitable<void> Session::linger_and_close() {
    auto& socket = ws_.next_layer().next_layer();
    beast::error_code ec;
    socket.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    arm_deadline(std::chrono::seconds(1), "linger");
    char sink[512];
    for (;;) {
        auto [rec, n] = co_await socket.async_read_some(asio::buffer(sink), as_tuple_awaitable);
        if (rec) break;
    }
    deadline_.cancel();
    socket.close(ec);
}

// Reads the next message, unless max_in_flight requests are being processed: then reading
// resumes when one of them completes (or the session closes).
void Session::read_next() {
    if (in_flight_ >= services_.limits.max_in_flight && !closing_) {
        read_paused_ = true;
        return;
    }
    // Wait for the next message with a one-byte buffer, then read the rest: an idle session
    // holds no read buffer (a whole-message read reserves 1.5 KiB before anything arrives).
    ws_.async_read_some(asio::buffer(&first_byte_, 1), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        if (!ec) {
            auto& buffer = self->read_buffer_;
            buffer.commit(asio::buffer_copy(buffer.prepare(n), asio::buffer(&self->first_byte_, n)));
            if (!self->ws_.is_message_done()) {
                self->ws_.async_read(buffer, [self](beast::error_code ec, std::size_t) { self->on_message(ec); });
                return;
            }
        }
        self->on_message(ec);
    });
}

void Session::resume_reading() {
    if (!read_paused_) return;
    read_paused_ = false;
    read_next();
}

void Session::on_message(beast::error_code ec) {
    if (ec) {
        end_reading(ec);
        return;
    }
    if (!ws_.got_text()) {
        // Kamer messages are JSON text; binary frames are refused (RFC 6455: 1003).
        read_buffer_.clear();
        reply_error(std::nullopt, {ErrorCode::malformed_json, "", "binary messages are not accepted"});
        start_close(CloseCode::unsupported_data, true);
        read_next();
        return;
    }
    std::string_view text(static_cast<const char*>(read_buffer_.data().data()), read_buffer_.size());
    try {
        if (!closing_) handle(text);
    } catch (...) {
        // A completion handler must not throw into the I/O thread: this session ends, others go on.
        report_crash(std::current_exception());
        start_close(CloseCode::internal_error, false);
    }
    read_buffer_.clear();
    if (read_buffer_.capacity() > 1024) read_buffer_.shrink_to_fit();
    read_next();
}

void Session::end_reading(beast::error_code ec) {
    std::string_view reason = ec == websocket::error::closed            ? "closed"
                              : ec == beast::error::timeout             ? "idle_timeout"
                              : ec == websocket::error::message_too_big ? "message_too_big"
                                                                        : "transport";
    if (ec == beast::error::timeout)
        obs::metrics().counter("kamer_disconnects_total", "Sessions ended, by reason", {{"reason", reason}}).inc();
    log::info(logger(), "session.ended",
              {{"conn", id_}, {"oin", peer_.organisation.oin}, {"reason", reason},
               {"close_code", std::int64_t(close_sent_ ? static_cast<int>(close_code_) : ws_.reason().code)}});
    deadline_.cancel();
}

void Session::report_crash(std::exception_ptr e) const {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log::error(logger(), "session.crashed", {{"conn", id_}, {"what", ex.what()}});
    } catch (...) {
        log::error(logger(), "session.crashed", {{"conn", id_}, {"what", "unknown exception"}});
    }
}

void Session::handle(std::string_view text) {
    static auto& bytes_in = obs::metrics().counter("kamer_message_bytes_in_total", "Bytes of messages received");
    bytes_in.inc(text.size());
    if (!take_token()) {
        // Persistently over the rate after the burst: close rather than answer forever.
        if (++refused_for_rate_ > services_.limits.message_burst) {
            start_close(CloseCode::rate_limited, true);
            return;
        }
        reply_error(std::nullopt, {ErrorCode::rate_limited, "", "too many requests; slow down"});
        return;
    }
    refused_for_rate_ = 0;

    protocol::Limits limits;
    limits.max_message_bytes = services_.limits.max_message_bytes;
    limits.max_depth = services_.limits.max_depth;
    auto decoded = protocol::decode_envelope(text, limits);
    if (decoded.error) {
        obs::metrics()
            .counter("kamer_bad_messages_total", "Messages refused by the decoder, by error code",
                     {{"code", protocol::to_string(decoded.error->code)}})
            .inc();
        reply_error(decoded.id, *decoded.error);
        return;
    }
    auto& env = *decoded.envelope;
    if (draining_) {
        reply_error(env.id, {ErrorCode::unavailable, "", "the server is shutting down; resume on another node or later"});
        return;
    }
    if (!greeted_) {
        if (env.type != protocol::Hello::type) {
            reply_error(env.id, {ErrorCode::hello_required, "type", "the first message must be hello"});
            start_close(CloseCode::hello_required, true);
            return;
        }
        handle_hello(std::move(env));
        return;
    }
    if (env.type == protocol::Hello::type) {
        reply_error(env.id, {ErrorCode::already_greeted, "type", "hello was already sent on this session"});
        return;
    }
    if (env.type == protocol::Ping::type) {
        try {
            protocol::decode_body<protocol::Ping>(env);
        } catch (const protocol::ProtocolError& e) {
            reply_error(env.id, e.error());
            return;
        }
        protocol::Pong pong;
        pong.time = format_timestamp(std::chrono::system_clock::now());
        enqueue(std::make_shared<const std::string>(protocol::encode_message(pong, std::nullopt, env.id)));
        return;
    }
    const auto* handler = services_.router.find(env.type);
    if (!handler) {
        static auto& unknown = obs::metrics().counter("kamer_messages_in_total", "Requests received, by type",
                                                      {{"type", "unknown"}});
        unknown.inc();
        reply_error(env.id, {ErrorCode::unknown_type, "type", "unknown message type '" + env.type + "'"});
        return;
    }
    ++in_flight_;
    auto re = env.id;
    (*handler)(shared_from_this(), std::move(env), Responder(shared_from_this(), std::move(re)));
}

void Session::handle_hello(protocol::Envelope&& env) {
    protocol::Hello hello;
    try {
        hello = protocol::decode_body<protocol::Hello>(env);
    } catch (const protocol::ProtocolError& e) {
        reply_error(env.id, e.error());
        start_close(CloseCode::hello_required, true);
        return;
    }
    greeted_ = true;
    deadline_.cancel();
    peer_.actor = env.actor ? env.actor : hello.actor;
    peer_.client = hello.client;

    const auto& l = services_.limits;
    protocol::Welcome welcome;
    welcome.organisation = {peer_.organisation.oin, peer_.organisation.name, peer_.organisation.sector};
    welcome.session = session_uuid_;
    welcome.server = services_.server_name;
    welcome.limits = {static_cast<std::int64_t>(l.max_message_bytes), l.max_depth, l.max_in_flight,
                      l.idle_timeout_seconds, l.messages_per_second};
    welcome.time = format_timestamp(std::chrono::system_clock::now());
    for (const auto& type : services_.router.types()) welcome.requests.emplace_back(type);
    enqueue(std::make_shared<const std::string>(protocol::encode_message(welcome, std::nullopt, env.id)));
    log::info(logger(), "session.greeted", {{"conn", id_}, {"oin", peer_.organisation.oin}, {"client", peer_.client}});
}

void Session::reply_error(const std::optional<std::string>& re, const protocol::Error& error) {
    static auto& errors = messages_out("error");
    errors.inc();
    enqueue(std::make_shared<const std::string>(
        protocol::encode_message(protocol::make_error_reply(error), std::nullopt, re)));
}

void Session::complete_request(std::string encoded) {
    static auto& replies = messages_out("reply");
    replies.inc();
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), encoded = std::move(encoded)]() mutable {
        --self->in_flight_;
        self->resume_reading();
        self->enqueue(std::make_shared<const std::string>(std::move(encoded)));
        if (self->draining_ && self->in_flight_ == 0) self->start_close(CloseCode::going_away, true);
    });
}


void Session::send(std::shared_ptr<const std::string> message) {
    static auto& pushed = messages_out("push");
    pushed.inc();
    asio::dispatch(ws_.get_executor(),
                   [self = shared_from_this(), message = std::move(message)]() mutable { self->enqueue(std::move(message)); });
}

void Session::close(CloseCode code, bool flush) {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), code, flush] { self->start_close(code, flush); });
}

void Session::revalidate(TlsContext fresh) {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this(), fresh = std::move(fresh)] {
        if (!self->authenticated_ || self->closing_) return;
        auto reason = recheck_certificate(self->ws_.next_layer().native_handle(), fresh.get());
        if (reason.empty()) return;
        log::warn(logger(), "session.certificate_invalid",
                  {{"conn", self->id_}, {"oin", self->peer_.organisation.oin}, {"reason", std::string(reason)}});
        self->start_close(CloseCode::certificate_revoked, true);
    });
}

void Session::shut_down() {
    asio::dispatch(ws_.get_executor(), [self = shared_from_this()] {
        self->draining_ = true;
        if (self->in_flight_ == 0) self->start_close(CloseCode::going_away, true);
    });
}

void Session::enqueue(std::shared_ptr<const std::string> message) {
    if (closing_ || !authenticated_) return;
    queued_bytes_ += message->size();
    bool over = queued_bytes_ > services_.limits.send_queue_bytes;
    // Before hello nothing comes in bursts, and the deadline timer holds the hello deadline.
    if (queued_bytes_ > services_.limits.send_queue_max_bytes || (over && !greeted_))
        return cut_off_slow_consumer("queue_full");
    queue_.push_back(std::move(message));
    backlog_.store(queued_bytes_, std::memory_order_relaxed);
    if (over && over_bound_since_ == Clock::time_point()) watch_backlog(Clock::now());
    if (!writing_) write_next();
}

void Session::write_next() {
    if (queue_head_ == queue_.size()) {
        queue_.clear();
        queue_head_ = 0;
        if (queue_.capacity() > 64) queue_.shrink_to_fit();
        if (closing_) finish_close();
        return;
    }
    writing_ = true;
    const auto& message = queue_[queue_head_];
    ws_.async_write(asio::buffer(*message), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        auto& sent = self->queue_[self->queue_head_++];
        self->queued_bytes_ -= sent->size();
        self->backlog_.store(self->queued_bytes_, std::memory_order_relaxed);
        sent.reset();
        if (ec) {
            self->queue_.clear();
            self->queue_head_ = 0;
            self->queued_bytes_ = 0;
            self->over_bound_since_ = {};  // not slow: gone
            return;  // the reader sees the failure and ends the session
        }
        if (self->queued_bytes_ <= self->services_.limits.send_queue_bytes) self->over_bound_since_ = {};
        self->write_next();
    });
}

// A burst (one commit delivering many entries at once) may take the queue past the bound
// although the peer reads at once; a peer is slow when it leaves it there.
void Session::watch_backlog(Clock::time_point since) {
    static auto& over = obs::metrics().counter(
        "kamer_send_queue_over_bound_total",
        "Times a session's send queue went past limits.send_queue_bytes (a burst, or a slow consumer)");
    over.inc();
    over_bound_since_ = since;
    deadline_.expires_at(since + std::chrono::seconds(services_.limits.slow_consumer_seconds));
    deadline_.async_wait([weak = weak_from_this(), since](beast::error_code ec) {
        auto self = weak.lock();
        // A wait for an earlier time over the bound may have expired just before this one
        // was armed: only the current one counts.
        if (ec || !self || self->closing_ || self->over_bound_since_ != since) return;
        self->cut_off_slow_consumer("not_reading");
    });
}

void Session::cut_off_slow_consumer(std::string_view reason) {
    obs::metrics().counter("kamer_disconnects_total", "Sessions ended, by reason", {{"reason", "slow_consumer"}}).inc();
    log::warn(logger(), "session.slow_consumer",
              {{"conn", id_}, {"oin", peer_.organisation.oin}, {"queued_bytes", std::uint64_t(queued_bytes_)},
               {"reason", reason}});
    start_close(CloseCode::slow_consumer, false);
}

void Session::start_close(CloseCode code, bool flush) {
    if (closing_) return;
    closing_ = true;
    close_code_ = code;
    resume_reading();  // a paused reader goes on to read the peer's close frame
    if (!authenticated_) {
        beast::error_code ignored;
        ws_.next_layer().next_layer().close(ignored);
        return;
    }
    if (!flush) {
        // Drop what is not being written; the write in progress completes first.
        queue_.erase(queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_) + (writing_ ? 1 : 0), queue_.end());
        queued_bytes_ = 0;
        for (std::size_t i = queue_head_; i < queue_.size(); ++i) queued_bytes_ += queue_[i]->size();
    }
    if (!writing_) write_next();
}

void Session::finish_close() {
    if (close_sent_) return;
    close_sent_ = true;
    obs::metrics().counter("kamer_closes_total", "Sessions closed by the server, by close code",
                           {{"code", protocol::to_string(close_code_)}}).inc();
    log::info(logger(), "session.closing",
              {{"conn", id_}, {"oin", peer_.organisation.oin}, {"code", std::int64_t(static_cast<int>(close_code_))},
               {"reason", protocol::to_string(close_code_)}});
    ws_.async_close(reason_of(close_code_),
                    [self = shared_from_this()](beast::error_code) {});
}

void Session::arm_deadline(std::chrono::seconds after, const char* phase) {
    deadline_phase_ = phase;
    deadline_.expires_after(after);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        auto self = weak.lock();
        if (ec || !self) return;
        self->deadline_fired_ = true;
        if (std::string_view(self->deadline_phase_) == "hello") {
            self->start_close(CloseCode::hello_timeout, false);
        } else {
            beast::error_code ignored;
            self->ws_.next_layer().next_layer().close(ignored);
        }
    });
}

bool Session::take_token() {
    auto now = std::chrono::steady_clock::now();
    double elapsed = std::chrono::duration<double>(now - tokens_at_).count();
    tokens_at_ = now;
    tokens_ = std::min<double>(services_.limits.message_burst, tokens_ + elapsed * services_.limits.messages_per_second);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
}

void Session::refuse(std::string_view stage, std::string_view reason) {
    refusals(stage, reason).inc();
    log::warn(logger(), "connection.refused",
              {{"conn", id_}, {"stage", stage}, {"reason", reason}, {"remote", remote_address_},
               {"oin", peer_.certificate.oin}});
}

Responder::~Responder() {
    if (session_) fail(protocol::ErrorCode::internal, "the request was not answered");
}

void Responder::fail(const protocol::Error& error) {
    finish(protocol::encode_message(protocol::make_error_reply(error), std::nullopt, re_));
}

void Responder::fail(protocol::ErrorCode code, std::string message) { fail(protocol::Error{code, "", std::move(message)}); }

void Responder::finish(std::string encoded) {
    if (!session_) return;
    auto session = std::move(session_);
    session->complete_request(std::move(encoded));
}

}  // namespace kamer::server::net
