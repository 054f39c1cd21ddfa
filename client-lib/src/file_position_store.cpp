#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "kamer/client/position_store.hpp"

namespace kamer::client {
namespace {

void write_all(int fd, const std::string& text, const std::string& path) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0) throw std::runtime_error("cannot write " + path);
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace

FilePositionStore::FilePositionStore(std::string path) : path_(std::move(path)) {
    std::ifstream in(path_);
    std::string room, cursor;
    while (in >> room >> cursor) positions_[room] = cursor;
}

std::optional<std::string> FilePositionStore::load(const std::string& room) {
    std::lock_guard lock(mutex_);
    auto it = positions_.find(room);
    if (it == positions_.end()) return std::nullopt;
    return it->second;
}

void FilePositionStore::save(const std::string& room, const std::string& cursor) {
    std::lock_guard lock(mutex_);
    positions_[room] = cursor;
    std::string text;
    for (const auto& [r, c] : positions_) text += r + " " + c + "\n";
    std::string temp = path_ + ".new";
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + temp);
    try {
        write_all(fd, text, temp);
        if (::fsync(fd) != 0) throw std::runtime_error("cannot sync " + temp);
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
    if (::rename(temp.c_str(), path_.c_str()) != 0) throw std::runtime_error("cannot replace " + path_);
    // The rename itself is durable only once the directory is synced.
    auto slash = path_.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace kamer::client
