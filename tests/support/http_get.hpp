#pragma once
// A plain HTTP GET on 127.0.0.1, for the operations listener.
#include <cstdint>
#include <string>

namespace kamer::test {

struct HttpResponse {
    int status = 0;  // 0: no answer
    std::string body;
};

HttpResponse http_get(std::uint16_t port, const std::string& target);

}  // namespace kamer::test
