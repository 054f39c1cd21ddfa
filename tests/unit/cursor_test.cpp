// Cursors are the positions clients hold: a codec keyed once and shared by every thread must
// give each room's positions back, and nothing for another room or a changed text.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "delivery/cursor.hpp"

namespace kamer::server::delivery {
namespace {

const std::array<unsigned char, 16> key{7, 1, 4, 9, 2, 8, 3, 6, 5, 0, 11, 13, 12, 15, 14, 10};

TEST(Cursor, GivesBackThePositionOfItsOwnRoomOnly) {
    CursorCodec codec(key);
    auto cursor = codec.encode(42, 1234);
    EXPECT_EQ(cursor.size(), 22u);
    EXPECT_EQ(codec.decode(42, cursor), 1234);
    EXPECT_EQ(codec.decode(43, cursor), std::nullopt);
    EXPECT_NE(codec.encode(42, 1235), cursor);

    auto changed = cursor;
    changed[5] = changed[5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(codec.decode(42, changed), std::nullopt);
    EXPECT_EQ(codec.decode(42, cursor.substr(1)), std::nullopt);
    EXPECT_EQ(codec.decode(42, cursor.substr(0, 21) + "!"), std::nullopt);

    CursorCodec other(std::array<unsigned char, 16>{});
    EXPECT_EQ(other.decode(42, cursor), std::nullopt);
}

TEST(Cursor, OneCodecServesManyThreadsAtOnce) {
    CursorCodec codec(key);
    std::vector<std::thread> threads;
    std::vector<int> wrong(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (std::int64_t seq = 0; seq < 20000; ++seq)
                if (codec.decode(t, codec.encode(t, seq)) != seq) ++wrong[static_cast<std::size_t>(t)];
        });
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace kamer::server::delivery
