#include "latencies.hpp"

#include <algorithm>
#include <cmath>

namespace kamer::bench {

boost::json::object Latencies::summary() {
    std::sort(samples_.begin(), samples_.end());
    auto at = [&](double q) {
        if (samples_.empty()) return 0.0;
        auto i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_.size()))) - 1;
        return static_cast<double>(samples_[std::min(i, samples_.size() - 1)]) / 1e6;
    };
    return {{"count", samples_.size()},
            {"p50_ms", at(0.5)},
            {"p99_ms", at(0.99)},
            {"p999_ms", at(0.999)},
            {"max_ms", at(1.0)}};
}

}  // namespace kamer::bench
