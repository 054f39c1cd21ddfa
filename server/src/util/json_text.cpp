#include "util/json_text.hpp"

namespace kamer::server {

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    // Runs that need no escape (nearly all of a disclosure row) are appended whole: a character
    // at a time was the largest share of building the rows.
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u != '"' && u != '\\') continue;
        out.append(s.substr(run, i - run));
        run = i + 1;
        switch (u) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xf];
        }
    }
    out.append(s.substr(run));
    out += '"';
}

}  // namespace kamer::server
