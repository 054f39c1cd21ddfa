#pragma once
// A bare OpenSSL server for one handshake, to see which certificates a client sends: it uses
// the test PKI's server certificate, trusts the CAs in `trust_store` and names them in its
// certificate request, verifies the client's certificate against them, and then hangs up.
#include <cstdint>
#include <string>
#include <thread>

namespace kamer::test {

class TlsRecorder {
public:
    explicit TlsRecorder(const std::string& trust_store);
    ~TlsRecorder();
    TlsRecorder(const TlsRecorder&) = delete;
    TlsRecorder& operator=(const TlsRecorder&) = delete;

    std::uint16_t port() const { return port_; }

    // Waits for the first client's handshake (at most 10 s). How many certificates it sent,
    // its own included, if its certificate verified; -1 if the handshake failed.
    int certificates_received();

private:
    void serve(const std::string& trust_store);

    int listener_ = -1;
    std::uint16_t port_ = 0;
    int received_ = -1;
    std::thread thread_;
};

}  // namespace kamer::test
