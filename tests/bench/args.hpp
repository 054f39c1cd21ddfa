#pragma once
// Command-line options of one kamer-bench scenario: `--key value` pairs.
#include <map>
#include <string>

namespace kamer::bench {

class Args {
  public:
    Args(int argc, char** argv, int first);

    std::string text(const std::string& key, const std::string& fallback) const;
    std::string required(const std::string& key) const;  // throws std::invalid_argument
    long number(const std::string& key, long fallback) const;
    double real(const std::string& key, double fallback) const;

  private:
    std::map<std::string, std::string> values_;
};

}  // namespace kamer::bench
