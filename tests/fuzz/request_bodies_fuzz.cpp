// libFuzzer entry point: any bytes as a message, its body decoded as every request
// (request_bodies_target.hpp).
#include <cstddef>
#include <cstdint>

#include "request_bodies_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    kamer::fuzz::crash_on(kamer::fuzz::request_bodies_target(data, size));
    return 0;
}
