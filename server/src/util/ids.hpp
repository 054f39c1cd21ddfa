#pragma once
#include <chrono>
#include <string>

namespace kamer::server {

// A random (version 4) UUID in lower case, from OpenSSL's CSPRNG.
std::string random_uuid();

// RFC 3339 UTC with milliseconds: 2026-11-22T10:15:30.123Z
std::string format_timestamp(std::chrono::system_clock::time_point t);

}  // namespace kamer::server
