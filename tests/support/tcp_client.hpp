#pragma once
// Plain TCP connections for denial-of-service tests: many of them, from a chosen loopback
// address, that send nothing or send slowly, and a way to see whether the server closed them.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace kamer::test {

// A non-blocking TCP connection from `source` (any 127.x.y.z) to 127.0.0.1:port; -1 on failure.
int tcp_connect(std::uint16_t port, const std::string& source = "127.0.0.1");

// Whether the server has closed the connection: true once a read sees the end of the stream
// or a reset. Reads and drops anything the server sent. Does not wait.
bool closed_by_server(int fd);

// Sends what fits without blocking; false when the server has closed the connection.
bool send_some(int fd, std::string_view bytes);

// The first flight of a TLS 1.3 client (its ClientHello), to be sent a byte at a time.
std::string client_hello();

// Raises the soft limit of open files to the hard limit; returns the new soft limit.
std::uint64_t raise_file_limit();

}  // namespace kamer::test
