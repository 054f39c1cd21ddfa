// A listener: prints what its organisation may see in its rooms, as it happens.
//
// Follows the rooms named on the command line, or else every room the organisation is an
// active member of. With --positions FILE it remembers where it was, so that after a restart
// it prints only what is new. What it prints is exactly what the server disclosed to this
// organisation under the sharing agreement.
//
//   kamer-listener --certificate ggz.pem --key ggz.key --ca ca-bundle.pem --positions ggz.pos
#include <iostream>

#include "example_options.hpp"
#include "kamer/client/blocking_session.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace {

constexpr const char* usage =
    "usage: kamer-listener --certificate FILE --key FILE --ca FILE [--server HOST:PORT] [--positions FILE]\n"
    "                      [--for SECONDS] [ROOM...]\n"
    "Prints every event of the rooms (default: all rooms this organisation is a member of).\n";

std::string summary(const kamer::protocol::Entry& e) {
    for (const char* field : {"text", "reason", "summary"})
        if (auto* v = e.data.if_contains(field); v && v->is_string()) return std::string(v->as_string());
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    using namespace kamer;
    auto args = examples::parse(argc, argv, usage);
    auto options = examples::session_options(args, "kamer-listener-example/1.0");
    if (args.named.count("positions"))
        options.positions = std::make_shared<client::FilePositionStore>(args.get("positions"));
    client::BlockingSession session(options);

    auto rooms = args.positional;
    if (rooms.empty()) {
        protocol::RoomList list;
        for (const auto& r : session.call(list).rooms)
            if (r.my_status == "active") rooms.push_back(std::string(r.room));
    }
    for (const auto& room : rooms) session.follow(room);
    std::cerr << "following " << rooms.size() << " room(s)\n";

    auto seconds = std::stoi(args.get("for", "0"));  // 0: until interrupted
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (seconds == 0 || std::chrono::steady_clock::now() < until) {
        auto event = session.next(std::chrono::milliseconds(200));
        if (!event) continue;
        const auto& e = event->entry;
        std::cout << std::string(e.at) << "  " << event->room.substr(0, 8) << "  "
                  << std::string(e.author.name) << "  " << std::string(e.kind);
        if (e.category) std::cout << "  [" << protocol::to_string(*e.category) << "]";
        if (!event->room_event) std::cout << "  (notice)";
        if (auto text = summary(e); !text.empty()) std::cout << "  " << text;
        std::cout << std::endl;
    }
}
