#include "output.hpp"

#include <ctime>
#include <iostream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace kamer::cli {
namespace {

// Display width of UTF-8 text: count code points, not bytes, so Dutch names align.
std::size_t width_of(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

std::vector<std::size_t> Table::widths() const {
    std::vector<std::size_t> widths;
    for (const auto& h : headers_) widths.push_back(width_of(h));
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i) widths[i] = std::max(widths[i], width_of(row[i]));
    return widths;
}

std::string Table::line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
    std::string text;
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
        text += cells[i];
        if (i + 1 < cells.size()) text += std::string(widths[i] - width_of(cells[i]) + 2, ' ');
    }
    return text;
}

void Table::print(std::ostream& out) const {
    auto w = widths();
    out << line(headers_, w) << "\n";
    for (const auto& row : rows_) out << line(row, w) << "\n";
}

std::string local_time(const std::string& utc) {
    std::tm tm{};
    std::istringstream in(utc);
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) return utc;
    std::time_t t = timegm(&tm);
    std::tm local{};
    localtime_r(&t, &local);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &local);
    return buf;
}

std::string utc_from_local(const std::string& text) {
    std::string s = text;
    if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
    std::tm tm{};
    std::istringstream in(s);
    in >> std::get_time(&tm, "%Y-%m-%d %H:%M");
    if (in.fail()) throw std::invalid_argument("'" + text + "' is not a time like 2026-12-01 14:30");
    if (in.peek() == ':') {
        int seconds = 0;
        in.get();
        in >> seconds;
        tm.tm_sec = seconds;
    }
    tm.tm_isdst = -1;
    std::time_t t = std::mktime(&tm);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

std::string clip(const std::string& text, std::size_t width) {
    std::string one_line = text;
    for (auto& c : one_line)
        if (c == '\n' || c == '\t') c = ' ';
    if (width_of(one_line) <= width) return one_line;
    std::string out;
    std::size_t n = 0;
    for (unsigned char c : one_line) {
        if ((c & 0xC0) != 0x80 && ++n > width - 1) break;
        out += static_cast<char>(c);
    }
    return out + "…";
}

void print_done(const Context& context, const protocol::Ok& reply, const std::string& done) {
    if (context.json()) return context.print_json(reply);
    std::cout << done;
    if (reply.item) std::cout << ": item " << *reply.item;
    else if (reply.room) std::cout << ": room " << *reply.room;
    if (reply.version) std::cout << " (version " << reply.version->value << ")";
    std::cout << "\n";
}

}  // namespace kamer::cli
