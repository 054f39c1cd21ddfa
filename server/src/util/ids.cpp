#include "util/ids.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <ctime>
#include <stdexcept>

namespace kamer::server {

namespace {

// Bytes from OpenSSL's CSPRNG, drawn a kilobyte at a time: each RAND_bytes call costs a getpid()
// system call and an update of the generator's state, and the writer takes an id for every
// item it stores. One pool per thread, so no lock; kamerd forks only to exec.
class RandomPool {
public:
    void take(unsigned char* out, std::size_t n) {
        if (used_ + n > sizeof bytes_) {
            if (RAND_bytes(bytes_, sizeof bytes_) != 1) throw std::runtime_error("no randomness available");
            used_ = 0;
        }
        std::memcpy(out, bytes_ + used_, n);
        used_ += n;
    }

private:
    unsigned char bytes_[1024];
    std::size_t used_ = sizeof bytes_;
};

thread_local RandomPool random_pool;

void append_hex(std::string& out, const unsigned char* bytes, std::size_t n) {
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) (out += hex[bytes[i] >> 4]) += hex[bytes[i] & 0xf];
}

}  // namespace

std::string random_uuid() {
    unsigned char b[16];
    random_pool.take(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    std::string out;
    out.reserve(36);
    append_hex(out, b, 4);
    append_hex(out += '-', b + 4, 2);
    append_hex(out += '-', b + 6, 2);
    append_hex(out += '-', b + 8, 2);
    append_hex(out += '-', b + 10, 6);
    return out;
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    // Digit by digit: a resume page formats 2 000 of these (gmtime_r and snprintf took about
    // 0.35 us each, as much as the rest of reading the entry).
    auto ms = floor<milliseconds>(t);
    auto day = floor<days>(ms);
    year_month_day date{day};
    hh_mm_ss time{ms - day};
    char out[] = "0000-00-00T00:00:00.000Z";
    auto put = [&out](std::size_t at, long long value, std::size_t digits) {
        for (std::size_t i = digits; i-- > 0; value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<int>(date.year()), 4);
    put(5, static_cast<unsigned>(date.month()), 2);
    put(8, static_cast<unsigned>(date.day()), 2);
    put(11, time.hours().count(), 2);
    put(14, time.minutes().count(), 2);
    put(17, time.seconds().count(), 2);
    put(20, time.subseconds().count(), 3);
    return std::string(out, sizeof out - 1);
}

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(text.data(), text.size(), digest, &n, EVP_sha256(), nullptr);
    std::string out;
    append_hex(out, digest, n);
    return out;
}

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char out[16];
    std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
    return out;
}

}  // namespace kamer::server
