#include "net/tls_stream.hpp"

#include <boost/asio/error.hpp>

namespace kamer::server::net {

TlsStream::TlsStream(next_layer_type socket, SSL_CTX* context)
    : socket_(std::move(socket)), ssl_(SSL_new(context)) {
    if (!ssl_) throw std::bad_alloc();
    socket_.non_blocking(true);
    SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle()));
    SSL_set_accept_state(ssl_);
}

TlsStream::TlsStream(TlsStream&& other) noexcept : socket_(std::move(other.socket_)), ssl_(other.ssl_) {
    other.ssl_ = nullptr;
}

TlsStream::~TlsStream() {
    if (ssl_) SSL_free(ssl_);
}

boost::system::error_code TlsStream::classify(int result, boost::asio::socket_base::wait_type& wait, bool& retry) {
    retry = false;
    if (result > 0) return {};
    switch (SSL_get_error(ssl_, result)) {
        case SSL_ERROR_WANT_READ:
            wait = boost::asio::socket_base::wait_read;
            retry = true;
            return {};
        case SSL_ERROR_WANT_WRITE:
            wait = boost::asio::socket_base::wait_write;
            retry = true;
            return {};
        case SSL_ERROR_ZERO_RETURN:
            return boost::asio::error::eof;
        case SSL_ERROR_SYSCALL:
            if (errno == 0 || errno == ECONNRESET || errno == EPIPE) return boost::asio::error::eof;
            return {errno, boost::system::system_category()};
        case SSL_ERROR_SSL: {
            unsigned long e = ERR_peek_last_error();
            if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return boost::asio::error::eof;
            return {static_cast<int>(e ? e : 1), boost::asio::error::get_ssl_category()};
        }
        default:
            return boost::asio::error::fault;
    }
}

void teardown(boost::beast::role_type, TlsStream& stream, boost::system::error_code& ec) {
    if (!stream.next_layer().is_open()) return;
    ERR_clear_error();
    SSL_shutdown(stream.native_handle());
    stream.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    stream.next_layer().close(ec);
}

}  // namespace kamer::server::net
