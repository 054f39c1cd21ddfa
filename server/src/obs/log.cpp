#include "obs/log.hpp"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <string>

#include "util/json_text.hpp"
#include "util/named_thread.hpp"

namespace kamer::log {
namespace {

std::mutex registry_mutex;
std::shared_ptr<spdlog::sinks::sink> shared_sink;
spdlog::level::level_enum configured_level = spdlog::level::info;

std::shared_ptr<spdlog::sinks::sink> make_json_sink() {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    // The message part is a pre-built fragment of JSON fields; see write().
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","component":"%n",%v})",
        spdlog::pattern_time_type::utc));
    return sink;
}

}  // namespace

void init(std::string_view level) {
    std::lock_guard lock(registry_mutex);
    spdlog::init_thread_pool(8192, 1, [] { server::name_this_thread("kamerd-log"); });
    shared_sink = make_json_sink();
    configured_level = spdlog::level::from_str(std::string(level));
}

void shutdown() {
    spdlog::shutdown();
}

std::shared_ptr<spdlog::logger> get(std::string_view component) {
    std::lock_guard lock(registry_mutex);
    std::string name(component);
    if (auto existing = spdlog::get(name)) return existing;
    if (!shared_sink) {
        // Before init (unit tests, subcommands): log synchronously to stderr.
        shared_sink = make_json_sink();
        auto logger = std::make_shared<spdlog::logger>(name, shared_sink);
        logger->set_level(configured_level);
        spdlog::register_logger(logger);
        return logger;
    }
    // Overrun the oldest line rather than block a network thread when the sink is slow.
    auto logger = std::make_shared<spdlog::async_logger>(
        name, shared_sink, spdlog::thread_pool(), spdlog::async_overflow_policy::overrun_oldest);
    logger->set_level(configured_level);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}

void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view event,
           std::initializer_list<Field> fields) {
    std::string line;
    line.reserve(64 + fields.size() * 24);
    line += "\"event\":";
    server::append_json_string(line, event);
    for (const auto& [key, value] : fields) {
        line += ',';
        server::append_json_string(line, key);
        line += ':';
        std::visit(
            [&](const auto& v) {
                using V = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<V, std::string_view>) {
                    server::append_json_string(line, v);
                } else if constexpr (std::is_same_v<V, bool>) {
                    line += v ? "true" : "false";
                } else {
                    line += std::to_string(v);
                }
            },
            value);
    }
    logger.log(level, line);
}

}  // namespace kamer::log
