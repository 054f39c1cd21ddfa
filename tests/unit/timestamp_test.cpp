// Timestamps of entries and disclosure rows are formatted by hand (a resume page formats 2 000
// of them): the text must be what gmtime gives, to the millisecond, on every kind of date.
#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "util/ids.hpp"

namespace kamer::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

std::string by_gmtime(long long ms) {
    std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return out;
}

std::string formatted(long long ms) { return format_timestamp(system_clock::time_point(milliseconds(ms))); }

TEST(Timestamp, IsRfc3339UtcToTheMillisecond) {
    EXPECT_EQ(formatted(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(formatted(951782400007), "2000-02-29T00:00:00.007Z");
    EXPECT_EQ(formatted(1764800299345), "2025-12-03T22:18:19.345Z");
    EXPECT_EQ(formatted(4107542399999), "2100-02-28T23:59:59.999Z");
    EXPECT_EQ(formatted(4107542400000), "2100-03-01T00:00:00.000Z");
}

TEST(Timestamp, AgreesWithGmtimeOverTwoCenturies) {
    std::mt19937_64 random(20261203);
    std::uniform_int_distribution<long long> ms(0, 7258118399999);  // through 2199
    for (int i = 0; i < 100000; ++i) {
        long long t = ms(random);
        ASSERT_EQ(formatted(t), by_gmtime(t)) << t;
    }
    auto now = system_clock::now();
    auto now_ms = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
    EXPECT_EQ(format_timestamp(now), by_gmtime(now_ms));
}

}  // namespace
}  // namespace kamer::server
