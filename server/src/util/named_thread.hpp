#pragma once
// A thread that carries the name of its job, so that `top -H`, `ps -L` and profilers show
// which part of kamerd is busy (the kernel keeps 15 characters).
#include <pthread.h>

#include <thread>
#include <utility>

namespace kamer::server {

template <class Job>
std::thread named_thread(const char* name, Job&& job) {
    return std::thread([name, job = std::forward<Job>(job)]() mutable {
        pthread_setname_np(pthread_self(), name);
        job();
    });
}

}  // namespace kamer::server
