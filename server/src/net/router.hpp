#pragma once
// Maps message types to handlers. A handler receives the decoded, validated request, the
// acting professional, and a Responder through which it answers exactly once, now or later.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kamer/protocol/envelope.hpp"
#include "net/responder.hpp"
#include "obs/metrics.hpp"

namespace kamer::server::net {

class Session;
using SessionPtr = std::shared_ptr<Session>;

class Router {
public:
    using Handler = std::function<void(const SessionPtr&, protocol::Envelope&&, Responder)>;

    // Registers a handler for request type Req; the body is decoded strictly before the call.
    template <class Req, class Fn>
    void add(Fn fn) {
        auto& received = obs::metrics().counter("kamer_messages_in_total", "Requests received, by type",
                                                {{"type", Req::type}});
        handlers_[std::string(Req::type)] = [fn = std::move(fn), &received](
                                                const SessionPtr& session, protocol::Envelope&& env,
                                                Responder responder) {
            received.inc();
            Req request;
            try {
                request = protocol::decode_body<Req>(env);
            } catch (const protocol::ProtocolError& e) {
                responder.fail(e.error());
                return;
            }
            fn(session, std::move(request), env.actor, std::move(responder));
        };
    }

    const Handler* find(std::string_view type) const {
        auto it = handlers_.find(std::string(type));
        return it == handlers_.end() ? nullptr : &it->second;
    }

    // The registered request types, sorted.
    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (const auto& [type, handler] : handlers_) out.push_back(type);
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::unordered_map<std::string, Handler> handlers_;
};

}  // namespace kamer::server::net
