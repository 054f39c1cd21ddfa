#pragma once
// Where a partner system keeps, per room, the cursor of the last event it processed, so that
// after its own restart it resumes the stream exactly there.
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace kamer::client {

class PositionStore {
public:
    virtual ~PositionStore() = default;
    virtual std::optional<std::string> load(const std::string& room) = 0;
    virtual void save(const std::string& room, const std::string& cursor) = 0;
};

// Positions in one small file (room and cursor per line), replaced atomically and synced on
// every save: after a crash it holds either the previous or the new positions, never a mix.
class FilePositionStore : public PositionStore {
public:
    explicit FilePositionStore(std::string path);  // reads the file when it exists
    std::optional<std::string> load(const std::string& room) override;
    void save(const std::string& room, const std::string& cursor) override;  // throws on I/O failure

private:
    std::string path_;
    std::mutex mutex_;
    std::map<std::string, std::string> positions_;
};

}  // namespace kamer::client
