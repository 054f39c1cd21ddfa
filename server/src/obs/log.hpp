#pragma once
// Structured JSON logs. Every line is one JSON object: ts, level, component, event, then fields.
// Fields are ids, counts, sizes, durations, organisation OINs and reasons. Never message
// content or personal data: the API takes named scalar fields only, so a body cannot slip in.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string_view>
#include <utility>
#include <variant>

namespace kamer::log {

using Value = std::variant<std::int64_t, std::uint64_t, double, bool, std::string_view>;
using Field = std::pair<std::string_view, Value>;

// Sets up the asynchronous JSON logger on stderr; call once at start.
void init(std::string_view level);
// Flushes and stops the logging thread; call once at exit.
void shutdown();

// The logger for one subsystem ("net", "store", "rooms", "audit", "ops", ...).
std::shared_ptr<spdlog::logger> get(std::string_view component);

void write(spdlog::logger& logger, spdlog::level::level_enum level, std::string_view event,
           std::initializer_list<Field> fields);

inline void info(spdlog::logger& l, std::string_view event, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::info)) write(l, spdlog::level::info, event, f);
}
inline void warn(spdlog::logger& l, std::string_view event, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::warn)) write(l, spdlog::level::warn, event, f);
}
inline void error(spdlog::logger& l, std::string_view event, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::err)) write(l, spdlog::level::err, event, f);
}
inline void debug(spdlog::logger& l, std::string_view event, std::initializer_list<Field> f = {}) {
    if (l.should_log(spdlog::level::debug)) write(l, spdlog::level::debug, event, f);
}

}  // namespace kamer::log
