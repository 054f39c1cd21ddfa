#pragma once
// The one reply to one request. Move-only; a Responder destroyed without answering answers
// with an internal error, so that no request is ever left without a reply.
#include <memory>
#include <optional>
#include <string>

#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/session.hpp"

namespace kamer::server::net {

class Session;

class Responder {
public:
    Responder(std::shared_ptr<Session> session, std::optional<std::string> re)
        : session_(std::move(session)), re_(std::move(re)) {}
    Responder(Responder&&) noexcept = default;
    Responder& operator=(Responder&&) noexcept = default;
    Responder(const Responder&) = delete;
    ~Responder();

    template <class Reply>
    void ok(const Reply& reply) {
        finish(protocol::encode_message(reply, std::nullopt, re_));
    }
    void fail(const protocol::Error& error);
    void fail(protocol::ErrorCode code, std::string message);
    // A reply already encoded (with this request's `re`), such as a stored one.
    void reply_encoded(std::string encoded) { finish(std::move(encoded)); }

    const std::optional<std::string>& re() const { return re_; }
    bool answered() const { return !session_; }

private:
    void finish(std::string encoded);

    std::shared_ptr<Session> session_;
    std::optional<std::string> re_;
};

}  // namespace kamer::server::net
