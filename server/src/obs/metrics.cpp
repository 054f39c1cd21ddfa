#include "obs/metrics.hpp"

#include <cstdio>
#include <sstream>

namespace kamer::obs {
namespace {

std::string render_labels(Labels labels) {
    if (labels.size() == 0) return {};
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out.append(k);
        out += "=\"";
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            if (c == '\n') {
                out += "\\n";
                continue;
            }
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

// Adds a label to an already rendered label set.
std::string with_label(const std::string& rendered, const std::string& extra) {
    if (rendered.empty()) return "{" + extra + "}";
    return rendered.substr(0, rendered.size() - 1) + "," + extra + "}";
}

std::string format_double(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
}

}  // namespace

void Histogram::observe(double seconds) {
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

Registry::Family& Registry::family(std::string_view name, std::string_view help, std::string_view type) {
    auto it = families_.find(name);
    if (it == families_.end()) {
        Family f;
        f.help = help;
        f.type = type;
        it = families_.emplace(std::string(name), std::move(f)).first;
    }
    return it->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "counter").counters[render_labels(labels)];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "gauge").gauges[render_labels(labels)];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& Registry::histogram(std::string_view name, std::string_view help, Labels labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "histogram").histograms[render_labels(labels)];
    if (!slot) slot = std::make_unique<Histogram>();
    return *slot;
}

std::string Registry::render() const {
    std::lock_guard lock(mutex_);
    std::ostringstream out;
    for (const auto& [name, f] : families_) {
        out << "# HELP " << name << ' ' << f.help << "\n# TYPE " << name << ' ' << f.type << '\n';
        for (const auto& [labels, c] : f.counters) out << name << labels << ' ' << c->value() << '\n';
        for (const auto& [labels, g] : f.gauges) out << name << labels << ' ' << g->value() << '\n';
        for (const auto& [labels, h] : f.histograms) {
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < Histogram::bounds.size(); ++i) {
                cumulative += h->buckets_[i].load(std::memory_order_relaxed);
                out << name << "_bucket" << with_label(labels, "le=\"" + format_double(Histogram::bounds[i]) + "\"")
                    << ' ' << cumulative << '\n';
            }
            cumulative += h->buckets_.back().load(std::memory_order_relaxed);
            out << name << "_bucket" << with_label(labels, "le=\"+Inf\"") << ' ' << cumulative << '\n';
            out << name << "_sum" << labels << ' '
                << format_double(static_cast<double>(h->sum_micros_.load(std::memory_order_relaxed)) / 1e6) << '\n';
            out << name << "_count" << labels << ' ' << h->count() << '\n';
        }
    }
    return out.str();
}

Registry& metrics() {
    static Registry registry;
    return registry;
}

}  // namespace kamer::obs
