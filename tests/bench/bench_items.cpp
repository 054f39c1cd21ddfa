#include "bench_items.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kamer::bench {
namespace asio = boost::asio;

asio::awaitable<int> post_until_acknowledged(std::shared_ptr<client::Connection> connection,
                                             protocol::ContributionPost post, int attempts) {
    std::string id = connection->next_id();
    for (int again = 0;; ++again) {
        try {
            co_await connection->call(post, id);
            co_return again;
        } catch (const client::RequestError& e) {
            bool retriable = e.code() == protocol::ErrorCode::unavailable ||
                             e.code() == protocol::ErrorCode::outcome_unknown;
            if (!retriable || again + 1 >= attempts) throw;
        }
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

}  // namespace kamer::bench
