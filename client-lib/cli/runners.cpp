#include "runners.hpp"

#include <iostream>

#include "kamer/client/blocking_session.hpp"

namespace kamer::cli {
namespace json = boost::json;

namespace {

void print_json(const json::value& v) { std::cout << json::serialize(v) << "\n"; }

// The list a paged reply carries, by request.
const char* list_field(const std::string& request) {
    if (request == "room.list") return "rooms";
    if (request == "decisions.list") return "decisions";
    if (request == "checkpoints.due") return "checkpoints";
    return "events";  // history
}

}  // namespace

void run_profile_add(Context& context, const Command& command, const Invocation& inv) {
    Profile p;
    for (const auto& param : command.params) {
        if (param.positional) continue;
        std::string key = param.name;
        std::replace(key.begin(), key.end(), '-', '_');
        auto value = inv.get(param.name, param.fallback);
        if (!value.empty()) p[key] = value;
    }
    save_profile(context.profiles_file(), inv.get("NAME"), p);
    if (!context.json()) std::cout << "profile " << inv.get("NAME") << " saved in " << context.profiles_file() << "\n";
}

void run_profile_list(Context& context, const Command&, const Invocation&) {
    auto names = profile_names(context.profiles_file());
    if (context.json()) {
        json::array a;
        for (const auto& n : names) a.emplace_back(n);
        return print_json(a);
    }
    if (names.empty()) std::cout << "no profiles in " << context.profiles_file() << "\n";
    for (const auto& n : names) std::cout << n << "\n";
}

void run_paged(Context& context, const Command& command, const Invocation& inv) {
    auto body = make_body(context, command, inv);
    const char* field = list_field(command.request);
    bool history = command.request == "history";
    json::object all;
    json::array items;
    for (;;) {
        auto reply = context.request(command.request, body);
        for (auto& x : reply.at(field).as_array()) items.push_back(x);
        all = std::move(reply);
        auto* next = all.if_contains("next");
        if (!next || (history && inv.has("limit"))) break;
        if (history) body["after"] = *next;
        else body["page"] = json::object{{"after", *next}};
    }
    all[field] = std::move(items);
    if (!(history && inv.has("limit"))) all.erase("next");
    if (context.json()) return print_json(all);
    render(context, command.request, all);
}

void run_follow(Context& context, const Command&, const Invocation& inv) {
    client::SessionOptions options;
    options.connect = context.connect_options();
    options.on_state = [](const std::string& state, const std::string& detail) {
        if (state != "connected") std::cerr << "kamer: " << state << ": " << detail << "\n";
    };
    client::BlockingSession session(options);
    std::optional<std::string> after;
    if (inv.has("after")) after = inv.get("after");
    const auto room = inv.get("ROOM");
    session.follow(room, after);
    int seconds = inv.has("for") ? std::stoi(inv.get("for")) : 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (seconds == 0 || std::chrono::steady_clock::now() < until) {
        auto event = session.next(std::chrono::milliseconds(200));
        if (!event) continue;
        json::object e{{"cursor", event->cursor}, {"entry", protocol::encode_value(event->entry)}};
        if (context.json()) {
            e["room"] = event->room;
            print_json(e);
        } else {
            render_event(context, event->room, e);
        }
        std::cout.flush();
    }
}

void run_analysis_show(Context& context, const Command&, const Invocation& inv) {
    json::object body{{"room", inv.get("ROOM")}};
    std::optional<json::object> latest;
    for (;;) {
        auto page = context.request("history", body);
        for (const auto& e : page.at("events").as_array()) {
            const auto& entry = e.at("entry").as_object();
            if (entry.at("kind") == "analysis.edited") latest = entry;
        }
        auto* next = page.if_contains("next");
        if (!next) break;
        body["after"] = *next;
    }
    if (context.json()) return print_json(latest ? json::value(*latest) : json::value(nullptr));
    if (!latest) {
        std::cout << "no analysis yet (kamer analysis edit " << inv.get("ROOM") << " --text ...)\n";
        return;
    }
    std::cout << "Version " << json::serialize(latest->at("version")) << ", by "
              << json::value_to<std::string>(latest->at("author").at("name")) << "\n\n"
              << json::value_to<std::string>(latest->at("data").at("text")) << "\n";
}

void run_analysis_edit(Context& context, const Command& command, const Invocation& inv) {
    // Edits build on the latest version this organisation sees; someone who edited first
    // makes the server refuse with stale_version, and nothing is overwritten.
    auto room = context.request("room.get", {{"room", inv.get("ROOM")}});
    auto body = make_body(context, command, inv);
    body["base_version"] = room.at("analysis_version");
    auto reply = context.request(command.request, body);
    if (context.json()) return print_json(reply);
    render(context, command.request, reply);
}

void run_retention(Context& context, const Command&, const Invocation& inv) {
    auto listed = context.request("retention.run", {{"dry_run", true}});
    if (!inv.has("run")) {
        if (context.json()) return print_json(listed);
        return render(context, "retention.run", listed);
    }
    auto count = listed.at("rooms").as_array().size();
    if (!inv.has("yes")) {
        render(context, "retention.run", listed);
        if (count == 0) return;
        std::cout << "Remove the content of these " << count << " room(s)? This cannot be undone. [y/N] ";
        std::string answer;
        std::getline(std::cin, answer);
        if (answer != "y" && answer != "yes") {
            std::cout << "nothing removed\n";
            return;
        }
    }
    auto done = context.request("retention.run", {{"dry_run", false}});
    if (context.json()) return print_json(done);
    render(context, "retention.run", done);
}

}  // namespace kamer::cli
