#include "delivery/notice_memory.hpp"

namespace kamer::server::delivery {

bool NoticeMemory::remember(std::int64_t room, std::int64_t seq) {
    if (!known_.insert({room, seq}).second) return false;
    order_.push_back({room, seq});
    if (order_.size() > capacity_) {
        known_.erase(order_.front());
        order_.pop_front();
    }
    return true;
}

}  // namespace kamer::server::delivery
