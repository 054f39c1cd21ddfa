#include "kamer/client/blocking_session.hpp"

namespace kamer::client {

BlockingSession::BlockingSession(SessionOptions options) : work_(io_.get_executor()) {
    session_ = Session::create(io_.get_executor(), std::move(options));
    thread_ = std::thread([this] {
        io_.run();
        stopped_ = true;
    });
}

BlockingSession::~BlockingSession() {
    try {
        close();
    } catch (...) {
    }
    session_.reset();
    work_.reset();
    // The session's coroutines end once closed; a connection attempt still under way is cut
    // short after a moment rather than waited for.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!stopped_ && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    io_.stop();
    if (thread_.joinable()) thread_.join();
}

bool BlockingSession::wait_connected(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!session_->connected()) {
        if (std::chrono::steady_clock::now() >= deadline || !session_->failure().empty()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

void BlockingSession::close() {
    if (session_) wait(session_->close());
}

}  // namespace kamer::client
