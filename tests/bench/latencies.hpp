#pragma once
// Latency samples and their percentiles. Every sample is kept (a run has at most a few million),
// so the percentiles are exact rather than estimated from buckets.
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <vector>

namespace kamer::bench {

class Latencies {
  public:
    void add(std::chrono::nanoseconds sample) { samples_.push_back(sample.count()); }
    std::size_t count() const { return samples_.size(); }
    // {"count", "p50_ms", "p99_ms", "p999_ms", "max_ms"}; sorts the samples.
    boost::json::object summary();

  private:
    std::vector<std::int64_t> samples_;
};

using Clock = std::chrono::steady_clock;

inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

}  // namespace kamer::bench
