// Item, room and meeting ids come from a pool of CSPRNG bytes that each thread refills a
// kilobyte at a time: every id must still be a well-formed version 4 UUID, and no two alike,
// also across refills and across threads.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "util/ids.hpp"

namespace kamer::server {
namespace {

TEST(RandomUuid, EveryIdIsAVersion4UuidInLowerCase) {
    const std::regex form("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 500; ++i) {  // several refills of the pool
        auto id = random_uuid();
        ASSERT_TRUE(std::regex_match(id, form)) << id;
    }
}

TEST(RandomUuid, NoTwoAlikeAcrossRefillsAndThreads) {
    constexpr int per_thread = 2000;
    std::vector<std::vector<std::string>> drawn(4);
    std::vector<std::thread> threads;
    for (auto& ids : drawn)
        threads.emplace_back([&ids] {
            for (int i = 0; i < per_thread; ++i) ids.push_back(random_uuid());
        });
    for (auto& t : threads) t.join();
    std::set<std::string> distinct;
    for (const auto& ids : drawn) distinct.insert(ids.begin(), ids.end());
    EXPECT_EQ(distinct.size(), drawn.size() * per_thread);
}

}  // namespace
}  // namespace kamer::server
