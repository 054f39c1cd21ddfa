// libFuzzer entry point: any bytes as a WebSocket text message (decode_envelope_target.hpp).
#include <cstddef>
#include <cstdint>

#include "decode_envelope_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    kamer::fuzz::crash_on(kamer::fuzz::decode_envelope_target(data, size));
    return 0;
}
