#pragma once
// JSON text written directly, where building a document first would cost more than the text.
#include <string>
#include <string_view>

namespace kamer::server {

// Appends s as a JSON string: in quotes, with quote, backslash and control characters escaped.
// s must be UTF-8 (every string Kamer holds was validated as such on the way in).
void append_json_string(std::string& out, std::string_view s);

}  // namespace kamer::server
