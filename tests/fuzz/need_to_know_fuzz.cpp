// libFuzzer entry point: bytes as an agreement, a room and an entry (need_to_know_target.hpp).
#include <cstddef>
#include <cstdint>

#include "need_to_know_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    kamer::fuzz::crash_on(kamer::fuzz::need_to_know_target(data, size));
    return 0;
}
