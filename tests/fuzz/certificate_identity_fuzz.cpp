// libFuzzer entry point: any bytes as a DER certificate (certificate_identity_target.hpp).
#include <cstddef>
#include <cstdint>

#include "certificate_identity_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    kamer::fuzz::crash_on(kamer::fuzz::certificate_identity_target(data, size));
    return 0;
}
