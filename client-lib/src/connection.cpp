#include "kamer/client/connection.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <unordered_map>
#include <vector>

#include "kamer/protocol/messages/entries.hpp"
#include "kamer/protocol/messages/rooms.hpp"
#include "sent_chain.hpp"

namespace kamer::client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using protocol::ErrorCode;

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
using Events = asio::experimental::channel<void(boost::system::error_code, protocol::Envelope)>;
// A caller waiting for its reply; invoked once, with the reply or why there is none.
using ReplyHandler = asio::any_completion_handler<void(boost::system::error_code, protocol::Envelope)>;

RequestError error_from_reply(const protocol::Envelope& env) {
    auto e = protocol::decode_body<protocol::ErrorReply>(env, protocol::DecodeOptions{false});
    ErrorCode code = ErrorCode::internal;
    protocol::from_string(e.code, code);
    return RequestError(code, e.message, e.path ? std::string(*e.path) : std::string());
}

void load_crls(ssl::context& ctx, const std::string& path) {
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (!bio) throw ConnectError("tls", "cannot read CRL file " + path);
    X509_STORE* store = SSL_CTX_get_cert_store(ctx.native_handle());
    while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr)) {
        X509_STORE_add_crl(store, crl);
        X509_CRL_free(crl);
    }
    BIO_free(bio);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
}

ssl::context make_context(const ConnectOptions& o) {
    ssl::context ctx(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.set_options(ssl::context::no_compression);
    try {
        ctx.use_certificate_chain_file(o.certificate_file);
        ctx.use_private_key_file(o.private_key_file, ssl::context::pem);
        ctx.load_verify_file(o.ca_file);
    } catch (const boost::system::system_error& e) {
        throw ConnectError("tls", std::string("cannot load certificate, key or CA bundle: ") + e.what());
    }
    if (!o.crl_file.empty()) load_crls(ctx, o.crl_file);
    ctx.set_verify_mode(ssl::verify_peer);
    send_only_certificates_the_server_lacks(ctx.native_handle());
    if (o.session_reuse) SessionReuse::enable(ctx.native_handle());
    return ctx;
}

}  // namespace

// Shared by the Connection and every coroutine working on the stream, so that a read, a write
// or a close still under way when the application drops its last Connection handle finds the
// state alive (it is freed when the last of them ends).
struct Connection::Impl : std::enable_shared_from_this<Impl> {
    using Stream = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

    Impl(asio::any_io_executor ex, ConnectOptions o)
        : options(std::move(o)),
          tls(make_context(options)),
          strand(asio::make_strand(ex)),
          ws(strand, tls),
          events(strand, 1024),
          deadline_timer(strand) {
        unsigned char r[6];
        RAND_bytes(r, sizeof r);
        static constexpr char hex[] = "0123456789abcdef";
        for (auto b : r) (id_prefix += hex[b >> 4]) += hex[b & 0xf];
        id_prefix += '-';
    }

    ConnectOptions options;
    ssl::context tls;
    asio::strand<asio::any_io_executor> strand;
    Stream ws;
    Events events;
    protocol::Welcome welcome;
    // Requests waiting for their reply, by attempt number; one timer serves them all.
    struct Waiting {
        std::string id;
        std::chrono::steady_clock::time_point deadline;
        ReplyHandler handler;
        // A subscribe's room. Its reply follows the catch-up, which is paced by how fast this
        // side reads and may take longer than the timeout: each page of it that arrives shows
        // that the server is still answering, and moves the deadline on.
        std::string room;
    };
    std::map<std::uint64_t, Waiting> waiting;
    std::unordered_map<std::string, std::uint64_t> attempt_of;  // client message id -> attempt
    std::uint64_t attempts = 0;
    asio::steady_timer deadline_timer;
    bool deadline_armed = false;
    std::deque<std::string> outbox;
    bool writing = false;
    bool ended = false;
    bool closing = false;
    std::atomic<std::uint16_t> close_code = 0;  // written on the strand, read from any thread
    std::string close_reason;
    std::string id_prefix;
    std::atomic<std::uint64_t> counter = 0;  // next_id() may be called from any thread

    std::string next_id() { return id_prefix + std::to_string(++counter); }

    asio::awaitable<void> open() {
        auto& tcp_layer = beast::get_lowest_layer(ws);
        tcp_layer.expires_after(options.timeout);
        tcp::resolver resolver(strand);
        auto [rec, endpoints] = co_await resolver.async_resolve(options.host, std::to_string(options.port), tuple_awaitable);
        if (rec) throw ConnectError("tcp", "cannot resolve " + options.host + ": " + rec.message());
        auto [cec, ep] = co_await tcp_layer.async_connect(endpoints, tuple_awaitable);
        if (cec) throw ConnectError("tcp", "cannot connect to " + options.host + ":" + std::to_string(options.port) + ": " + cec.message());
        // Requests and replies are small: without this, Nagle and delayed ACKs add ~40 ms to each.
        tcp_layer.socket().set_option(tcp::no_delay(true));

        SSL* ssl = ws.next_layer().native_handle();
        if (!SSL_set_tlsext_host_name(ssl, options.server_name.c_str()))
            throw ConnectError("tls", "invalid server name " + options.server_name);
        ws.next_layer().set_verify_callback(ssl::host_name_verification(options.server_name));
        if (options.session_reuse) options.session_reuse->offer(ssl);
        auto [hec] = co_await ws.next_layer().async_handshake(ssl::stream_base::client, tuple_awaitable);
        if (hec) throw ConnectError("tls", hec.message());
        if (options.session_reuse) options.session_reuse->handshake_done(ssl);

        tcp_layer.expires_never();
        websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
        timeouts.handshake_timeout = options.timeout;
        // Pings when the line is quiet; a peer that answers nothing for this long is gone.
        timeouts.idle_timeout = options.idle_timeout;
        timeouts.keep_alive_pings = true;
        ws.set_option(timeouts);
        ws.read_message_max(options.max_message_bytes);
        ws.set_option(websocket::stream_base::decorator([client = options.client_name](websocket::request_type& req) {
            req.set(beast::http::field::sec_websocket_protocol, "kamer.v1");
            req.set(beast::http::field::user_agent, client);
        }));
        websocket::response_type response;
        auto [wec] = co_await ws.async_handshake(response, options.server_name, "/", tuple_awaitable);
        if (wec) throw ConnectError("websocket", wec.message());
        if (response[beast::http::field::sec_websocket_protocol] != "kamer.v1")
            throw ConnectError("websocket", "server did not agree to subprotocol kamer.v1");
        ws.text(true);
        asio::co_spawn(strand, [self = shared_from_this()] { return self->read_loop(); }, asio::detached);
    }

    // Not `co_await co_spawn(strand, [impl] {...})` inside connect(): GCC 12 destroys a
    // capturing lambda that is a temporary of a co_await expression twice.
    static asio::awaitable<void> open_on_strand(std::shared_ptr<Impl> impl) {
        return asio::co_spawn(impl->strand, [impl] { return impl->open(); }, asio::use_awaitable);
    }

    asio::awaitable<void> read_loop() {
        beast::flat_buffer buffer;
        for (;;) {
            auto [ec, n] = co_await ws.async_read(buffer, tuple_awaitable);
            if (ec) break;
            std::string_view text(static_cast<const char*>(buffer.data().data()), buffer.size());
            protocol::Limits limits;
            limits.max_message_bytes = options.max_message_bytes;
            limits.max_parse_bytes = options.max_message_bytes * 8;
            limits.max_depth = 64;
            auto decoded = protocol::decode_envelope(text, limits, protocol::DecodeOptions{false});
            buffer.consume(buffer.size());
            if (!decoded.envelope) continue;  // a server bug; nothing sensible to route it to
            auto& env = *decoded.envelope;
            if (env.re) {
                if (auto it = attempt_of.find(*env.re); it != attempt_of.end()) {
                    answer(it->second, boost::system::error_code(), std::move(env));
                    continue;
                }
            }
            if (env.type == protocol::Events::type) catch_up_arrived(env);
            // Suspend only when the application has fallen 1024 events behind.
            if (events.try_send(boost::system::error_code(), std::move(env))) continue;
            auto [sec] = co_await events.async_send(boost::system::error_code(), std::move(env), tuple_awaitable);
            if (sec) break;
        }
        ended = true;
        close_code = ws.reason().code;
        close_reason = std::string(ws.reason().reason.data(), ws.reason().reason.size());
        while (!waiting.empty()) answer(waiting.begin()->first, asio::error::connection_aborted, protocol::Envelope{});
        deadline_timer.cancel();
        events.close();
    }

    // One write at a time, each started by the completion of the one before: plain completion
    // handlers rather than a coroutine, as a request is the most frequent thing a client sends.
    void enqueue(std::string text) {
        outbox.push_back(std::move(text));
        if (writing) return;
        writing = true;
        write_front();
    }

    void write_front() {
        ws.async_write(asio::buffer(outbox.front()), [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
            self->outbox.pop_front();
            if (ec) self->outbox.clear();  // the reader sees the failure and ends the connection
            if (self->outbox.empty() || self->ended) {
                self->writing = false;
                return;
            }
            self->write_front();
        });
    }

    RequestError disconnected() const {
        std::uint16_t code = close_code;
        std::string why = code ? " (close code " + std::to_string(code) + " " + close_reason + ")" : "";
        return RequestError(ErrorCode::disconnected, "the connection has ended" + why);
    }

    // No coroutine of its own on the strand (an event is the most frequent thing a client
    // handles): the wait is started on the strand and completes on the caller's executor.
    // close_reason is read after the channel was closed on the strand, so after it was written.
    static asio::awaitable<protocol::Envelope> receive(std::shared_ptr<Impl> impl) {
        auto [ec, env] = co_await asio::async_initiate<decltype(tuple_awaitable),
                                                       void(boost::system::error_code, protocol::Envelope)>(
            [](auto handler, std::shared_ptr<Impl> self) {
                asio::dispatch(self->strand, [self, handler = std::move(handler)]() mutable {
                    self->events.async_receive(std::move(handler));
                });
            },
            tuple_awaitable, impl);
        if (ec) throw impl->disconnected();
        co_return std::move(env);
    }

    // Coroutines are members taking their arguments by value (never capturing lambdas, whose
    // captures live outside the coroutine frame).
    asio::awaitable<void> send_raw(std::string text) {
        if (ended) throw disconnected();
        enqueue(std::move(text));
        co_return;
    }

    // Idempotent: the application and the last handle's destructor may both close, and Beast
    // allows one close per stream.
    asio::awaitable<void> close() {
        if (ended || closing) co_return;
        closing = true;
        co_await ws.async_close(websocket::close_code::normal, tuple_awaitable);
    }

    // On the strand. A request with the id of one still waiting takes its place: the server
    // answers an id once, so the earlier caller learns that the outcome is not for it to know.
    void start_request(std::string id, std::string text, ReplyHandler handler, std::string room) {
        if (ended) {
            std::move(handler)(asio::error::connection_aborted, protocol::Envelope{});
            return;
        }
        if (auto it = attempt_of.find(id); it != attempt_of.end())
            answer(it->second, asio::error::already_started, protocol::Envelope{});
        auto attempt = ++attempts;
        attempt_of.emplace(id, attempt);
        waiting.emplace(attempt, Waiting{std::move(id), std::chrono::steady_clock::now() + options.timeout,
                                         std::move(handler), std::move(room)});
        arm_deadline();
        enqueue(std::move(text));
    }

    void answer(std::uint64_t attempt, boost::system::error_code ec, protocol::Envelope env) {
        auto node = waiting.extract(attempt);
        attempt_of.erase(node.mapped().id);
        std::move(node.mapped().handler)(ec, std::move(env));
    }

    void catch_up_arrived(const protocol::Envelope& events) {
        const auto* room = events.body.as_object().if_contains("room");
        if (!room || !room->is_string()) return;
        for (auto& [attempt, w] : waiting)
            if (!w.room.empty() && w.room == room->get_string()) w.deadline = std::chrono::steady_clock::now() + options.timeout;
    }

    // A server that stops answering must not hold a caller forever: after the timeout the
    // request is abandoned (its outcome unknown; resend it with the same id). The timer is set
    // for the first deadline of those waiting; when it fires, it ends every request whose
    // deadline has passed (a subscribe's may have moved on) and is set again.
    void arm_deadline() {
        if (deadline_armed || waiting.empty()) return;
        deadline_armed = true;
        auto first = waiting.begin()->second.deadline;
        for (const auto& [attempt, w] : waiting) first = std::min(first, w.deadline);
        deadline_timer.expires_at(first);
        deadline_timer.async_wait([self = shared_from_this()](boost::system::error_code) {
            self->deadline_armed = false;
            auto now = std::chrono::steady_clock::now();
            std::vector<std::uint64_t> expired;
            for (const auto& [attempt, w] : self->waiting)
                if (w.deadline <= now) expired.push_back(attempt);
            for (auto attempt : expired) self->answer(attempt, asio::error::timed_out, protocol::Envelope{});
            self->arm_deadline();
        });
    }

    // The caller's handler, wrapped so that it runs on the caller's executor, which is kept
    // busy (its io_context does not run out of work) until the reply came.
    template <class Handler>
    ReplyHandler on_callers_executor(Handler handler) {
        auto work = asio::make_work_guard(asio::get_associated_executor(handler, strand));
        return [handler = std::move(handler), work = std::move(work)](boost::system::error_code ec,
                                                                       protocol::Envelope env) mutable {
            asio::post(work.get_executor(), asio::append(std::move(handler), ec, std::move(env)));
        };
    }

    static std::string subscribed_room(std::string_view type, const boost::json::value& body) {
        if (type != protocol::Subscribe::type || !body.is_object()) return {};
        const auto* room = body.get_object().if_contains("room");
        return room && room->is_string() ? std::string(room->get_string()) : std::string();
    }

    // No coroutine of its own on the strand: the request is encoded on the caller's executor,
    // registered on the strand, and the reply completes on the caller's executor.
    static asio::awaitable<protocol::Envelope> call(std::shared_ptr<Impl> impl, std::string type,
                                                    boost::json::value body, std::optional<std::string> given_id,
                                                    std::optional<protocol::Actor> actor) {
        std::string id = given_id ? std::move(*given_id) : impl->next_id();
        std::string text = protocol::encode_envelope(type, body, id, std::nullopt, actor);
        auto [ec, env] = co_await asio::async_initiate<decltype(tuple_awaitable),
                                                       void(boost::system::error_code, protocol::Envelope)>(
            [](auto handler, std::shared_ptr<Impl> self, std::string id, std::string text, std::string room) {
                auto reply = self->on_callers_executor(std::move(handler));
                asio::dispatch(self->strand, [self, id = std::move(id), text = std::move(text),
                                              reply = std::move(reply), room = std::move(room)]() mutable {
                    self->start_request(std::move(id), std::move(text), std::move(reply), std::move(room));
                });
            },
            tuple_awaitable, impl, std::move(id), std::move(text), subscribed_room(type, body));
        if (ec == asio::error::timed_out)
            throw RequestError(ErrorCode::timeout, "no reply within " + std::to_string(impl->options.timeout.count()) + " ms");
        if (ec == asio::error::already_started)
            throw RequestError(ErrorCode::outcome_unknown, "a later request with the same id took this one's place");
        if (ec) throw impl->disconnected();
        if (env.type == protocol::ErrorReply::type) throw error_from_reply(env);
        co_return std::move(env);
    }
};

Connection::Connection(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

// The last handle gone: close the WebSocket politely; the read loop then ends and frees the state.
Connection::~Connection() { asio::co_spawn(impl_->strand, close(), asio::detached); }

asio::awaitable<std::shared_ptr<Connection>> Connection::connect(asio::any_io_executor executor, ConnectOptions options) {
    auto impl = std::make_shared<Impl>(executor, std::move(options));
    std::shared_ptr<Connection> connection(new Connection(impl));
    co_await Impl::open_on_strand(impl);
    protocol::Hello hello;
    hello.client = impl->options.client_name;
    hello.actor = impl->options.actor;
    try {
        impl->welcome = co_await connection->call(hello);
    } catch (const RequestError& e) {
        throw ConnectError("hello", e.what(), impl->close_code);
    }
    co_return connection;
}

const protocol::Welcome& Connection::welcome() const { return impl_->welcome; }

// The operations below are not coroutines themselves: each hands the shared state to the
// coroutine it starts at the moment it is called, so the operation may outlive this handle.
asio::awaitable<protocol::Envelope> Connection::call_raw(std::string type, boost::json::value body,
                                                         std::optional<std::string> id,
                                                         std::optional<protocol::Actor> actor) {
    return Impl::call(impl_, std::move(type), std::move(body), std::move(id), std::move(actor));
}

asio::awaitable<protocol::Envelope> Connection::receive() { return Impl::receive(impl_); }

asio::awaitable<void> Connection::send_raw(std::string text) {
    return asio::co_spawn(
        impl_->strand, [impl = impl_, text = std::move(text)]() mutable { return impl->send_raw(std::move(text)); },
        asio::use_awaitable);
}

asio::awaitable<void> Connection::close() {
    return asio::co_spawn(impl_->strand, [impl = impl_] { return impl->close(); }, asio::use_awaitable);
}

std::uint16_t Connection::close_code() const { return impl_->close_code; }

std::string Connection::next_id() { return impl_->next_id(); }

}  // namespace kamer::client
