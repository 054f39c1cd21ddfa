// The hub remembers the entries whose notices it considered, so that one looked up again after
// the listener was cut off is not sent twice; it remembers the most recent ones, a bounded number.
#include <gtest/gtest.h>

#include "delivery/notice_memory.hpp"

namespace kamer::test {
namespace {

using server::delivery::NoticeMemory;

TEST(NoticeMemory, AnEntryIsNewOnceAndTheOldestAreForgottenPastTheCapacity) {
    NoticeMemory memory(3);
    EXPECT_TRUE(memory.remember(1, 5));
    EXPECT_FALSE(memory.remember(1, 5)) << "the same entry twice";
    EXPECT_TRUE(memory.remember(1, 6));
    EXPECT_TRUE(memory.remember(2, 5)) << "the same position in another room";
    EXPECT_FALSE(memory.remember(2, 5));
    EXPECT_TRUE(memory.remember(3, 1));  // a fourth: (1, 5) is forgotten
    EXPECT_FALSE(memory.remember(1, 6));
    EXPECT_FALSE(memory.remember(3, 1));
    EXPECT_TRUE(memory.remember(1, 5));
}

}  // namespace
}  // namespace kamer::test
