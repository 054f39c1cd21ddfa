#pragma once
#include <chrono>
#include <string>
#include <string_view>

namespace kamer::server {

// A random (version 4) UUID in lower case, from OpenSSL's CSPRNG.
std::string random_uuid();

// RFC 3339 UTC with milliseconds: 2026-11-22T10:15:30.123Z (years 0000-9999).
std::string format_timestamp(std::chrono::system_clock::time_point t);

// SHA-256 of the text, in hex.
std::string sha256_hex(std::string_view text);

// Today's date (YYYY-MM-DD) in the server's local time zone (run Kamer with TZ=Europe/Amsterdam).
std::string today();

}  // namespace kamer::server
