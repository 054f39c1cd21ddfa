#include "tls_recorder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "harness.hpp"

namespace kamer::test {

TlsRecorder::TlsRecorder(const std::string& trust_store) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    socklen_t size = sizeof addr;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), size) != 0 || listen(listener_, 1) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &size) != 0) {
        close(listener_);
        throw std::runtime_error("TlsRecorder cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, trust_store] { serve(trust_store); });
}

TlsRecorder::~TlsRecorder() {
    if (thread_.joinable()) thread_.join();
    close(listener_);
}

int TlsRecorder::certificates_received() {
    if (thread_.joinable()) thread_.join();
    return received_;
}

void TlsRecorder::serve(const std::string& trust_store) {
    pollfd waiting{listener_, POLLIN, 0};
    if (poll(&waiting, 1, 10'000) != 1) return;
    int fd = accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, (pki_dir() + "/server/server.pem").c_str());
    SSL_CTX_use_PrivateKey_file(ctx, (pki_dir() + "/server/server.key").c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_load_verify_file(ctx, trust_store.c_str());
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(trust_store.c_str()));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
        // On a server the peer's chain leaves out its own certificate.
        received_ = 1 + sk_X509_num(SSL_get_peer_cert_chain(ssl));
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
}

}  // namespace kamer::test
