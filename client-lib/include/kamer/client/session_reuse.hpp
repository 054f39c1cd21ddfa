#pragma once
// TLS session resumption across connections of one organisation. Connections made with the
// same SessionReuse offer the session (TLS 1.3 ticket) the server gave an earlier one, so a
// reconnect skips the certificate and public-key work of a full handshake. A session belongs
// to the certificate it was made with: share one SessionReuse only among connections that use
// the same organisation certificate.
//
// Thread-safety: one SessionReuse may be shared by connections on any threads.
#include <atomic>
#include <cstdint>
#include <mutex>

struct ssl_st;
struct ssl_session_st;
struct ssl_ctx_st;

namespace kamer::client {

class SessionReuse {
  public:
    SessionReuse() = default;
    ~SessionReuse();
    SessionReuse(const SessionReuse&) = delete;
    SessionReuse& operator=(const SessionReuse&) = delete;

    // Handshakes so far that resumed a session, and that were full handshakes.
    std::uint64_t resumed() const { return resumed_; }
    std::uint64_t full() const { return full_; }

    // Used by Connection: enables client-side session caching on a new context, offers the
    // kept session on a connection before its handshake, and counts the outcome after it.
    static void enable(ssl_ctx_st* context);
    void offer(ssl_st* ssl);
    void handshake_done(ssl_st* ssl);

  private:
    static int keep(ssl_st* ssl, ssl_session_st* session);

    std::mutex mutex_;
    ssl_session_st* session_ = nullptr;  // the newest ticket; every new one replaces it
    std::atomic<std::uint64_t> resumed_{0};
    std::atomic<std::uint64_t> full_{0};
};

}  // namespace kamer::client
