// The C interface (kamer/kamer.h) over BlockingSession. No exception crosses it: each is
// turned into a return code and kept as the session's last error.
#include "kamer/kamer.h"

#include <boost/json.hpp>
#include <cstring>
#include <memory>
#include <mutex>

#include "kamer/client/blocking_session.hpp"
#include "kamer/protocol/messages/items.hpp"

struct kamer_session {
    std::unique_ptr<kamer::client::BlockingSession> session;
    std::mutex error_mutex;
    std::string error;
    std::string error_code;
};

namespace {

using kamer::client::RequestError;
using kamer::protocol::ErrorCode;
namespace json = boost::json;

void copy_out(const std::string& text, char* out, std::size_t size) {
    if (!out || size == 0) return;
    std::size_t n = std::min(text.size(), size - 1);
    std::memcpy(out, text.data(), n);
    out[n] = '\0';
}

char* duplicate(const std::string& text) {
    auto* out = static_cast<char*>(std::malloc(text.size() + 1));
    if (out) std::memcpy(out, text.c_str(), text.size() + 1);
    return out;
}

int fail(kamer_session* s, int code, const std::string& message, const std::string& error_code = {}) {
    std::lock_guard lock(s->error_mutex);
    s->error = message;
    s->error_code = error_code;
    return code;
}

int succeed(kamer_session* s) {
    std::lock_guard lock(s->error_mutex);
    s->error.clear();
    s->error_code.clear();
    return KAMER_OK;
}

// Runs `work`, mapping what it throws to the C return codes.
template <class Work>
int guarded(kamer_session* s, Work&& work) {
    if (!s) return KAMER_ERR_ARGUMENT;
    try {
        work();
        return succeed(s);
    } catch (const RequestError& e) {
        std::string code(kamer::protocol::to_string(e.code()));
        std::string message = e.path().empty() ? e.what() : std::string(e.what()) + " (" + e.path() + ")";
        if (e.code() == ErrorCode::queue_full) return fail(s, KAMER_ERR_QUEUE_FULL, message, code);
        if (e.code() == ErrorCode::disconnected) return fail(s, KAMER_ERR_CLOSED, message, code);
        return fail(s, KAMER_ERR_REFUSED, message, code);
    } catch (const std::invalid_argument& e) {
        return fail(s, KAMER_ERR_ARGUMENT, e.what());
    } catch (const std::exception& e) {
        return fail(s, KAMER_ERR_INTERNAL, e.what());
    }
}

std::string text_or(const char* text, const char* fallback) { return text && *text ? text : fallback; }

}  // namespace

extern "C" {

int kamer_connect(const kamer_options* options, kamer_session** session, char* error, size_t error_size) {
    if (!session) return KAMER_ERR_ARGUMENT;
    *session = nullptr;
    if (!options || !options->certificate_file || !options->private_key_file || !options->ca_file) {
        copy_out("certificate_file, private_key_file and ca_file are required", error, error_size);
        return KAMER_ERR_ARGUMENT;
    }
    try {
        kamer::client::SessionOptions o;
        o.connect.host = text_or(options->host, "127.0.0.1");
        o.connect.port = options->port ? options->port : 8443;
        o.connect.server_name = text_or(options->server_name, "localhost");
        o.connect.certificate_file = options->certificate_file;
        o.connect.private_key_file = options->private_key_file;
        o.connect.ca_file = options->ca_file;
        o.connect.client_name = "kamer-c/0.1";
        if (options->actor && *options->actor) o.connect.actor = kamer::protocol::Actor{options->actor, {}, {}, {}};
        if (options->position_file && *options->position_file)
            o.positions = std::make_shared<kamer::client::FilePositionStore>(options->position_file);
        auto s = std::make_unique<kamer_session>();
        s->session = std::make_unique<kamer::client::BlockingSession>(std::move(o));
        auto wait = std::chrono::milliseconds(options->connect_timeout_ms > 0 ? options->connect_timeout_ms : 10000);
        if (!s->session->wait_connected(wait)) {
            auto why = s->session->session().failure();
            copy_out(why.empty() ? "no connection within the timeout" : why, error, error_size);
            return KAMER_ERR_CONNECT;
        }
        *session = s.release();
        return KAMER_OK;
    } catch (const std::exception& e) {
        copy_out(e.what(), error, error_size);
        return KAMER_ERR_CONNECT;
    }
}

int kamer_join(kamer_session* session, const char* room, const char* after) {
    if (!room) return session ? fail(session, KAMER_ERR_ARGUMENT, "room is required") : KAMER_ERR_ARGUMENT;
    return guarded(session, [&] {
        std::optional<std::string> from;
        if (after && *after) from = after;
        session->session->follow(room, from);
    });
}

int kamer_post(kamer_session* session, const char* room, const char* text, const char* category,
               const char* message_id, char* item_out, size_t item_size) {
    if (!room || !text || !category)
        return session ? fail(session, KAMER_ERR_ARGUMENT, "room, text and category are required") : KAMER_ERR_ARGUMENT;
    return guarded(session, [&] {
        json::object body{{"room", room}, {"text", text}, {"category", category}, {"audience", "all"}};
        std::optional<std::string> id;
        if (message_id && *message_id) id = message_id;
        auto reply = session->session->call_raw("contribution.post", std::move(body), id);
        if (auto* item = reply.body.as_object().if_contains("item"); item && item->is_string())
            copy_out(std::string(item->as_string()), item_out, item_size);
    });
}

int kamer_receive(kamer_session* session, int timeout_ms, char** event_json) {
    if (!event_json) return session ? fail(session, KAMER_ERR_ARGUMENT, "event_json is required") : KAMER_ERR_ARGUMENT;
    *event_json = nullptr;
    bool none = false;
    int rc = guarded(session, [&] {
        auto event = session->session->next(std::chrono::milliseconds(std::max(0, timeout_ms)));
        if (!event) {
            none = true;
            return;
        }
        json::object out{{"room", event->room}};
        if (event->room_event) {
            out["cursor"] = event->cursor;
            out["entry"] = kamer::protocol::encode_value(event->entry);
        } else {
            out["notice"] = kamer::protocol::encode_value(event->entry);
        }
        *event_json = duplicate(json::serialize(out));
        if (!*event_json) throw std::bad_alloc();
    });
    return rc == KAMER_OK && none ? KAMER_NO_EVENT : rc;
}

int kamer_request(kamer_session* session, const char* type, const char* body_json, const char* message_id,
                  char** reply_json) {
    if (!type || !reply_json)
        return session ? fail(session, KAMER_ERR_ARGUMENT, "type and reply_json are required") : KAMER_ERR_ARGUMENT;
    *reply_json = nullptr;
    return guarded(session, [&] {
        json::value body = json::object();
        if (body_json && *body_json) {
            boost::system::error_code ec;
            body = json::parse(body_json, ec);
            if (ec || !body.is_object()) throw std::invalid_argument("body_json is not a JSON object");
        }
        std::optional<std::string> id;
        if (message_id && *message_id) id = message_id;
        auto reply = session->session->call_raw(type, std::move(body), id);
        *reply_json = duplicate(json::serialize(reply.body));
        if (!*reply_json) throw std::bad_alloc();
    });
}

const char* kamer_last_error(const kamer_session* session) { return session ? session->error.c_str() : ""; }

const char* kamer_last_error_code(const kamer_session* session) { return session ? session->error_code.c_str() : ""; }

void kamer_free(char* text) { std::free(text); }

void kamer_close(kamer_session* session) {
    if (!session) return;
    try {
        session->session->close();
    } catch (...) {
        // Closing a session that has already ended.
    }
    delete session;
}

}  // extern "C"
