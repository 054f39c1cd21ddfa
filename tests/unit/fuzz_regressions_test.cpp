// Replays the inputs kept in tests/fuzz/regressions/<target>/ (and the decoder's seed corpus)
// through the same target code the fuzzers run, so that a bug a fuzzer once found stays fixed in
// the ordinary build. The files are listed when the test runs: dropping a new reproducer into
// the directory is enough, no rebuild or registration needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/certificate_identity_target.hpp"
#include "../fuzz/decode_envelope_target.hpp"
#include "../fuzz/need_to_know_target.hpp"
#include "../fuzz/request_bodies_target.hpp"

namespace kamer::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path fuzz_dir = fs::path(KAMER_SOURCE_DIR) / "tests" / "fuzz";

// Regular files under `dir`, sorted; none when it does not exist (git keeps no empty folders).
std::vector<fs::path> inputs_in(const fs::path& dir) {
    std::vector<fs::path> files;
    if (!fs::is_directory(dir)) return files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<std::uint8_t> bytes_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

using Target = std::optional<Finding> (*)(const std::uint8_t*, std::size_t);

// Runs every file through `target`; a finding fails the test with the file and what broke.
std::size_t replay(const fs::path& dir, Target target) {
    auto files = inputs_in(dir);
    for (const auto& file : files) {
        auto data = bytes_of(file);
        auto finding = target(data.data(), data.size());
        EXPECT_FALSE(finding.has_value())
            << file.filename().string() << ": " << finding->kind << ": " << finding->detail;
    }
    return files.size();
}

TEST(FuzzRegressions, DecodeEnvelope) {
    auto n = replay(fuzz_dir / "regressions" / "decode_envelope", &decode_envelope_target);
    RecordProperty("inputs", static_cast<int>(n));
}

TEST(FuzzRegressions, CertificateIdentity) {
    auto n =
        replay(fuzz_dir / "regressions" / "certificate_identity", &certificate_identity_target);
    RecordProperty("inputs", static_cast<int>(n));
}

TEST(FuzzRegressions, NeedToKnow) {
    auto n = replay(fuzz_dir / "regressions" / "need_to_know", &need_to_know_target);
    RecordProperty("inputs", static_cast<int>(n));
}

TEST(FuzzRegressions, NeedToKnowSeeds) {
    // The seeds include the default agreement as a document: the policy agrees with it.
    EXPECT_GE(replay(fuzz_dir / "corpus" / "need_to_know", &need_to_know_target), 4u);
}

TEST(FuzzRegressions, RequestBodies) {
    auto n = replay(fuzz_dir / "regressions" / "request_bodies", &request_bodies_target);
    RecordProperty("inputs", static_cast<int>(n));
    // Its seeds are the decoder's: every request type's body decoder on valid messages.
    EXPECT_GT(replay(fuzz_dir / "corpus" / "decode_envelope", &request_bodies_target), 10u);
}

// The seeds are committed and never empty: this also shows that the replay reads real files.
TEST(FuzzRegressions, DecodeEnvelopeSeeds) {
    EXPECT_GT(replay(fuzz_dir / "corpus" / "decode_envelope", &decode_envelope_target), 10u);
}

}  // namespace
}  // namespace kamer::fuzz
