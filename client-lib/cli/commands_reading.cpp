// Reading rooms: history, search, and following a room live.
#include <atomic>
#include <chrono>
#include <csignal>

#include "arguments.hpp"
#include "command.hpp"
#include "entries.hpp"
#include "kamer/client/errors.hpp"
#include "kamer/protocol/messages/queries.hpp"
#include "kamer/protocol/messages/rooms.hpp"

namespace kamer::cli {

namespace {

using namespace protocol;

void history(Context& context, const po::variables_map& args) {
    History request{value_of(args, "room")};
    if (auto after = optional_value(args, "after")) request.after = *after;
    if (args.count("limit")) request.limit = args["limit"].as<int>();
    // With --limit one page, as asked; without it everything, page after page.
    HistoryPage all{request.room};
    for (;;) {
        auto page = context.call(request);
        all.events.insert(all.events.end(), page.events.begin(), page.events.end());
        all.next = page.next;
        if (!page.next || request.limit) break;
        request.after = page.next;
    }
    if (context.json()) return context.print_json(all);
    if (all.events.empty()) {
        std::cout << "nothing (yet) that your organisation may see\n";
    } else {
        auto table = entry_table();
        for (const auto& e : all.events) add_entry(context, table, e.entry);
        table.print(std::cout);
    }
    if (all.next) std::cout << "\nmore: kamer history " << request.room << " --after " << *all.next << "\n";
}

void search(Context& context, const po::variables_map& args) {
    Search request{value_of(args, "query")};
    if (auto room = optional_value(args, "room")) request.room = *room;
    if (args.count("limit")) request.limit = args["limit"].as<int>();
    auto reply = context.call(request);
    if (context.json()) return context.print_json(reply);
    if (reply.hits.empty()) {
        std::cout << "no hits\n";
        return;
    }
    Table t({"ROOM", "TIME", "FROM", "WHAT"});
    for (const auto& hit : reply.hits)
        t.add({hit.room, local_time(hit.event.entry.at), hit.event.entry.author.name, describe(context, hit.event.entry)});
    t.print(std::cout);
}

std::atomic<bool> interrupted{false};

void follow(Context& context, const po::variables_map& args) {
    Subscribe request{value_of(args, "room")};
    if (auto after = optional_value(args, "after")) request.after = *after;
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    auto seconds = args.count("for") ? args["for"].as<int>() : 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    // Catch-up events arrive before the subscription's reply and wait in the inbox.
    context.call(request);
    if (!context.json()) std::cerr << "following " << request.room << " (Ctrl-C stops)\n";
    std::string last_cursor = request.after.value_or("");
    try {
        while (!interrupted && (seconds == 0 || std::chrono::steady_clock::now() < until)) {
            auto message = context.connection().receive(std::chrono::milliseconds(200));
            if (!message || message->type != Events::type) continue;
            auto events = decode_body<Events>(*message, DecodeOptions{false});
            if (events.room != request.room) continue;
            for (const auto& e : events.events) {
                if (context.json()) {
                    std::cout << boost::json::serialize(boost::json::object{
                                     {"room", events.room}, {"cursor", e.cursor}, {"entry", encode_value(e.entry)}})
                              << "\n";
                } else {
                    const auto& entry = e.entry;
                    std::cout << local_time(entry.at) << "  " << entry.author.name
                              << (entry.category ? " [" + std::string(to_string(*entry.category)) + "]" : "") << "  "
                              << describe(context, entry) << "\n";
                }
                last_cursor = e.cursor;
            }
            std::cout.flush();
        }
    } catch (const client::RequestError& e) {
        if (e.code() == ErrorCode::disconnected && !last_cursor.empty())
            std::cerr << "kamer: the connection ended; resume with: kamer follow " << request.room << " --after "
                      << last_cursor << "\n";
        throw;
    }
    if (!last_cursor.empty() && !context.json()) std::cerr << "stopped; resume with --after " << last_cursor << "\n";
}

}  // namespace

void add_reading_commands(std::vector<Command>& commands) {
    commands.push_back({{"history"}, group_reading, "what your organisation may see of a room, in order", {"room"},
                        [](po::options_description& o) {
                            o.add_options()
                                ("room", po::value<std::string>()->required(), "the room's id")
                                ("after", po::value<std::string>(), "start after this cursor")
                                ("limit", po::value<int>(), "at most this many entries (default: everything)");
                        },
                        history});
    commands.push_back({{"search"}, group_reading, "search the text of the rooms you may see", {"query"},
                        [](po::options_description& o) {
                            o.add_options()
                                ("query", po::value<std::string>()->required(), "at least two characters")
                                ("room", po::value<std::string>(), "only this room")
                                ("limit", po::value<int>(), "at most this many hits");
                        },
                        search});
    commands.push_back({{"follow"}, group_reading, "follow a room live, until Ctrl-C", {"room"},
                        [](po::options_description& o) {
                            o.add_options()
                                ("room", po::value<std::string>()->required(), "the room's id")
                                ("after", po::value<std::string>(), "resume after this cursor (printed when stopping)")
                                ("for", po::value<int>(), "stop after this many seconds");
                        },
                        follow,
                        "Prints what happened so far (after --after) and then each entry as it comes.\n"
                        "With --json: one JSON object {room, cursor, entry} per line."});
}

}  // namespace kamer::cli
