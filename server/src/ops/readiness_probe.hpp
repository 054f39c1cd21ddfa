#pragma once
// Whether this node can do its work, checked in the background every second on a reader
// thread (never on a network thread): the database answers and its schema is the version this
// build expects. Shutting down makes the node not ready at once, so that load balancers stop
// sending partners here.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>

#include "ops/ops_endpoint.hpp"
#include "store/reader_pool.hpp"

namespace kamer::server::ops {

class ReadinessProbe {
public:
    ReadinessProbe(boost::asio::io_context& io, store::ReaderPool& readers);
    void start();
    void stop();             // shutting down: not ready from now on
    Readiness current() const;  // thread-safe

private:
    void schedule();
    void set(bool ready, std::string reason);

    boost::asio::steady_timer timer_;
    store::ReaderPool& readers_;
    mutable std::mutex mutex_;
    Readiness state_{false, "starting"};
    bool stopping_ = false;
};

}  // namespace kamer::server::ops
