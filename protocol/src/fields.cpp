#include "kamer/protocol/fields.hpp"

#include <algorithm>

namespace kamer::protocol {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool no_controls(std::string_view s, bool allow_newlines) {
    return std::none_of(s.begin(), s.end(), [&](char c) {
        auto u = static_cast<unsigned char>(c);
        if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) return false;
        return u < 0x20 || u == 0x7f;
    });
}

bool digits(std::string_view s) { return std::all_of(s.begin(), s.end(), is_digit); }

int number(std::string_view s) {
    int n = 0;
    for (char c : s) n = n * 10 + (c - '0');
    return n;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool valid_ymd(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    auto y = s.substr(0, 4), m = s.substr(5, 2), d = s.substr(8, 2);
    if (!digits(y) || !digits(m) || !digits(d)) return false;
    int year = number(y), month = number(m), day = number(d);
    if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max_day = days[month - 1] + (month == 2 && leap(year) ? 1 : 0);
    return day <= max_day;
}

}  // namespace

namespace tags {

bool Name::valid(std::string_view s) { return no_controls(s, false); }
bool Text::valid(std::string_view s) { return no_controls(s, true); }

bool Token::valid(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
               std::string_view("._:@/+-").find(c) != std::string_view::npos;
    });
}

bool Uuid::valid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!is_digit(c) && !(c >= 'a' && c <= 'f')) {
            return false;
        }
    }
    return true;
}

bool Oin::valid(std::string_view s) { return s.size() == 20 && digits(s); }

bool Date::valid(std::string_view s) { return valid_ymd(s); }

bool Timestamp::valid(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SSZ with an optional fraction of 1 to 9 digits before the Z.
    if (s.size() < 20 || !valid_ymd(s.substr(0, 10)) || s[10] != 'T' || s.back() != 'Z')
        return false;
    auto t = s.substr(11, 8);
    if (t[2] != ':' || t[5] != ':') return false;
    auto hh = t.substr(0, 2), mm = t.substr(3, 2), ss = t.substr(6, 2);
    if (!digits(hh) || !digits(mm) || !digits(ss)) return false;
    if (number(hh) > 23 || number(mm) > 59 || number(ss) > 60) return false;
    auto rest = s.substr(19, s.size() - 20);
    if (rest.empty()) return true;
    return rest[0] == '.' && rest.size() >= 2 && rest.size() <= 10 && digits(rest.substr(1));
}

bool Cursor::valid(std::string_view s) {
    if (s.empty()) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
               c == '_';
    });
}

}  // namespace tags

}  // namespace kamer::protocol
