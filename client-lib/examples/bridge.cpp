// A partner system bridge: forwards the partner system's own events into a Kamer room.
//
// Reads lines "<event id><TAB><category><TAB><text>" from standard input (as a case system
// might export them) and posts each as a contribution for everyone the agreement allows.
// The partner system's event id becomes the message id, so a bridge that is restarted and
// replays its input does not post anything twice; a connection lost on the way is the
// Session's business, not the bridge's.
//
//   kamer-bridge --certificate politie.pem --key politie.key --ca ca-bundle.pem ROOM < events.tsv
#include <iostream>

#include "example_options.hpp"
#include "kamer/client/blocking_session.hpp"
#include "kamer/protocol/messages/items.hpp"

namespace {

constexpr const char* usage =
    "usage: kamer-bridge --certificate FILE --key FILE --ca FILE [--server HOST:PORT] [--actor ID] ROOM\n"
    "Posts each input line \"<event id>\\t<category>\\t<text>\" into ROOM, once.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace kamer;
    auto args = examples::parse(argc, argv, usage);
    if (args.positional.size() != 1) {
        std::cerr << usage;
        return 2;
    }
    const std::string room = args.positional[0];
    client::BlockingSession session(examples::session_options(args, "kamer-bridge-example/1.0"));

    std::string line;
    int forwarded = 0, refused = 0;
    while (std::getline(std::cin, line)) {
        auto tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
        if (tab1 == std::string::npos || tab2 == std::string::npos) {
            std::cerr << "skipped a line without two tabs\n";
            continue;
        }
        protocol::ContributionPost post;
        post.room = room;
        post.text = line.substr(tab2 + 1);
        if (!protocol::from_string(line.substr(tab1 + 1, tab2 - tab1 - 1), post.category)) {
            std::cerr << "event " << line.substr(0, tab1) << ": unknown category\n";
            ++refused;
            continue;
        }
        try {
            auto ok = session.call(post, "bridge-" + line.substr(0, tab1));
            std::cout << line.substr(0, tab1) << "\t" << ok.item.value_or("") << "\n";
            ++forwarded;
        } catch (const client::RequestError& e) {
            // Refused by the server (not a connection problem: those are retried).
            std::cerr << "event " << line.substr(0, tab1) << ": " << protocol::to_string(e.code()) << ": " << e.what() << "\n";
            ++refused;
        }
    }
    std::cerr << forwarded << " forwarded, " << refused << " refused\n";
    return refused ? 1 : 0;
}
