#pragma once
// Output for people: aligned tables and times in the local time zone.
#include <iosfwd>
#include <string>
#include <vector>

#include "context.hpp"
#include "kamer/protocol/messages/common.hpp"

namespace kamer::cli {

class Table {
public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out) const;

private:
    std::vector<std::size_t> widths() const;
    static std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths);

    std::vector<std::string> headers_;
    std::vector<std::vector<std::string>> rows_;
};

// "2026-11-22T10:02:03.123Z" -> "2026-11-22 11:02" in local time; other text unchanged.
std::string local_time(const std::string& utc);
// "2026-11-22 11:00" (local, also with a T or seconds) -> "2026-11-22T10:00:00Z"; throws
// std::invalid_argument when it is not such a time.
std::string utc_from_local(const std::string& local);
// Shortens long text for a table cell.
std::string clip(const std::string& text, std::size_t width = 60);

// The reply to a change: for people "<done>" and the ids a next command needs; for --json the
// reply itself.
void print_done(const Context& context, const protocol::Ok& reply, const std::string& done);

}  // namespace kamer::cli
