#pragma once
// A member whose system stops reading: a plain synchronous WebSocket client that greets,
// subscribes to a room and then reads nothing until told to drain. Its receive buffer is made
// small so that the server's bounded send queue, not the kernel, absorbs the backlog.
#include <memory>
#include <string>
#include <vector>

#include "kamer/client/connection.hpp"

namespace kamer::test {

class StalledReader {
public:
    StalledReader(const client::ConnectOptions& options, const std::string& room);
    ~StalledReader();

    struct Drained {
        std::vector<std::string> items;  // item ids of the events read, in order
        std::string last_cursor;         // of the last event read
        int close_code = 0;              // the server's close code; 0 when the TCP connection just ended
        std::string ended_by;            // how the connection ended, for messages
    };
    // Reads everything the server still sends until the connection ends.
    Drained drain();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace kamer::test
