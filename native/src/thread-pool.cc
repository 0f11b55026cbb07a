// Why a pool: a thread started for each product was often put on the core of the thread that
// started it, and the two then shared one core for milliseconds until the scheduler moved one.
// A 256×1000×1000 product on two threads ran at one thread's speed in about half the calls
// (docs/PERFORMANCE.md, "The kernels' own threads"). Threads that live on are spread over the
// cores once and stay there; a call only wakes them.
//
// Each thread that calls kernels has its own workers (thread_local): the replicas' threads
// never wait on each other's calls, and a thread's workers are joined when it exits.
#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace relaxcert {
namespace {

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

  void run(unsigned threads, const std::function<void(unsigned)>& task) {
    grow(threads - 1);
    const unsigned helpers = std::min<unsigned>(threads - 1, workers_.size());
    if (helpers == 0) return task(0);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      helpers_ = helpers;
      started_ = 0;
      open_ = true;
      pending_.store(helpers);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    std::exception_ptr failure;
    try {
      task(0);
    } catch (...) {
      failure = std::current_exception();
    }
    // Workers that have not started yet are not waited for: the work is shared out
    // dynamically, so task(0) has done their part (a sleeping worker can take a millisecond to
    // wake up on a virtual machine, longer than a small call's whole work).
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = false;
      pending_.fetch_sub(helpers - started_, std::memory_order_release);
    }
    // The workers that started read `task`, which lives on this thread's stack: wait for them,
    // even when task(0) threw. By polling, not sleeping: a thread woken by another is often
    // moved to the waker's core, and the next call would then run both on one core.
    while (pending_.load(std::memory_order_acquire) != 0) std::this_thread::yield();
    if (!failure) std::swap(failure, workerFailure_);
    workerFailure_ = nullptr;
    if (failure) std::rethrow_exception(failure);
  }

 private:
  void grow(unsigned want) {
    while (workers_.size() < want) {
      try {
        workers_.emplace_back(&Pool::work, this, static_cast<unsigned>(workers_.size() + 1),
                              generation_.load());
      } catch (const std::system_error&) {
        return;  // no more threads: the calling thread and the workers it has do the work
      }
    }
  }

  void work(unsigned index, std::uint64_t seen) {
    for (;;) {
      // Calls come in bursts (one training step's products, a few milliseconds apart): poll
      // for a while before sleeping, for the reason above, and to skip a futex wake-up.
      const auto until = std::chrono::steady_clock::now() + POLL;
      for (unsigned i = 1; generation_.load(std::memory_order_acquire) == seen; i++) {
        std::this_thread::yield();
        if (i % 64 == 0 && std::chrono::steady_clock::now() > until) break;
      }
      const std::function<void(unsigned)>* task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_.load() != seen; });
        if (stop_) return;
        seen = generation_.load();
        // This call asked for fewer threads, or its caller has finished without this one.
        if (index > helpers_ || !open_) continue;
        started_++;
        task = task_;
      }
      try {
        (*task)(index);
      } catch (...) {
        // Out of memory for a packing buffer, say: the calling thread rethrows it.
        std::lock_guard<std::mutex> lock(mutex_);
        if (!workerFailure_) workerFailure_ = std::current_exception();
      }
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  static constexpr std::chrono::microseconds POLL{2000};

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<std::uint64_t> generation_{0};
  const std::function<void(unsigned)>* task_ = nullptr;
  unsigned helpers_ = 0;
  unsigned started_ = 0;  // workers that have taken this call's task
  bool open_ = false;     // whether workers may still take it
  std::atomic<unsigned> pending_{0};
  std::exception_ptr workerFailure_;  // the first exception a worker's task threw this call
  bool stop_ = false;
};

}  // namespace

void runOnThreads(unsigned threads, const std::function<void(unsigned)>& task) {
  if (threads < 2) return task(0);
  thread_local Pool pool;
  pool.run(threads, task);
}

}  // namespace relaxcert
