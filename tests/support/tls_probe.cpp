#include "tls_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.hpp"

namespace kamer::test {
namespace {

std::string last_error() {
    unsigned long e = ERR_get_error();
    if (!e) return "connection closed";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

std::vector<std::string> names(const STACK_OF(X509_NAME)* list) {
    std::vector<std::string> out;
    for (int i = 0; list && i < sk_X509_NAME_num(list); ++i) {
        BIO* bio = BIO_new(BIO_s_mem());
        X509_NAME_print_ex(bio, sk_X509_NAME_value(list, i), 0, XN_FLAG_RFC2253);
        char* text = nullptr;
        long n = BIO_get_mem_data(bio, &text);
        out.emplace_back(text, static_cast<std::size_t>(n));
        BIO_free(bio);
    }
    return out;
}

}  // namespace

ProbeResult tls_probe(std::uint16_t port, const std::string& chain, const std::string& key, int security_level,
                      int max_version) {
    ProbeResult result;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(ctx, security_level);
    if (security_level == 0) SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    if (max_version) SSL_CTX_set_max_proto_version(ctx, max_version);
    SSL_CTX_load_verify_file(ctx, (pki_dir() + "/ca-bundle.pem").c_str());
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (!chain.empty() && (SSL_CTX_use_certificate_chain_file(ctx, chain.c_str()) != 1 ||
                           SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)) {
        result.error = "probe could not load its certificate: " + last_error();
        SSL_CTX_free(ctx);
        return result;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        result.error = "tcp connect failed";
        close(fd);
        SSL_CTX_free(ctx);
        return result;
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (SSL_connect(ssl) != 1) {
        result.error = last_error();
    } else {
        result.protocol = SSL_get_version(ssl);
        result.named_cas = names(SSL_get0_peer_CA_list(ssl));
        std::string request =
            "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Sec-WebSocket-Protocol: kamer.v1\r\n\r\n";
        char buf[512];
        // With TLS 1.3 the server judges the certificate after the client finished: its alert
        // arrives on the first read.
        if (SSL_write(ssl, request.data(), static_cast<int>(request.size())) <= 0) {
            result.error = last_error();
        } else {
            int n = SSL_read(ssl, buf, sizeof buf - 1);
            if (n > 0) {
                buf[n] = 0;
                result.upgraded = std::string(buf).rfind("HTTP/1.1 101", 0) == 0;
                if (!result.upgraded) result.error = std::string(buf, static_cast<std::size_t>(n));
            } else {
                result.error = last_error();
            }
        }
    }
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return result;
}

}  // namespace kamer::test
