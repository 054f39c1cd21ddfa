#pragma once
// The items the generator posts and recognises: text "bench <send time ns> <padding>", with
// categories in turn so that the server's need-to-know filter has work to do.
#include <array>
#include <charconv>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "kamer/client/connection.hpp"
#include "kamer/protocol/envelope.hpp"
#include "kamer/protocol/messages/items.hpp"
#include "latencies.hpp"

namespace kamer::bench {

inline constexpr std::array<protocol::Category, 6> categories{
    protocol::Category::general,
    protocol::Category::health,
    protocol::Category::justice,
    protocol::Category::youth_protection,
    protocol::Category::veilig_thuis_report,
    protocol::Category::financial};

inline protocol::ContributionPost bench_item(const std::string& room, std::size_t n,
                                             std::size_t padding) {
    protocol::ContributionPost post;
    post.room = room;
    post.category = categories[n % categories.size()];
    post.text = "bench " + std::to_string(now_ns()) + " " + std::string(padding, 'x');
    return post;
}

// Posts until acknowledged, as a partner system would: an `unavailable` or `outcome-unknown`
// reply is sent again with the same message id (so it is stored once), up to `attempts` times.
// Returns how many times it was sent again; throws the last error when it gives up.
boost::asio::awaitable<int> post_until_acknowledged(std::shared_ptr<client::Connection> connection,
                                                    protocol::ContributionPost post,
                                                    int attempts = 5);

// Calls `seen(send_time_ns)` for each bench item in an `events` message.
template <class Seen>
void for_each_bench_item(const protocol::Envelope& env, Seen&& seen) {
    if (env.type != "events") return;
    const auto* events = env.body.as_object().if_contains("events");
    if (!events || !events->is_array()) return;
    for (const auto& e : events->get_array()) {
        const auto* text =
            e.as_object().at("entry").as_object().at("data").as_object().if_contains("text");
        if (!text || !text->is_string()) continue;
        std::string_view t = text->get_string();
        if (t.rfind("bench ", 0) != 0) continue;
        std::int64_t sent = 0;
        std::from_chars(t.data() + 6, t.data() + t.size(), sent);
        seen(sent);
    }
}

}  // namespace kamer::bench
