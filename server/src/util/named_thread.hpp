#pragma once
// A thread that carries the name of its job, so that `top -H`, `ps -L` and profilers show
// which part of kamerd is busy (the kernel keeps 15 characters).
#include <pthread.h>

#include <thread>
#include <utility>

namespace kamer::server {

// For threads a library starts (spdlog's), from the hook it runs on them.
inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

template <class Job>
std::thread named_thread(const char* name, Job&& job) {
    return std::thread([name, job = std::forward<Job>(job)]() mutable {
        name_this_thread(name);
        job();
    });
}

}  // namespace kamer::server
