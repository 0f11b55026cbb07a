// Worker threads kept between kernel calls; see thread-pool.cc.
#pragma once
#include <functional>

namespace relaxcert {

// Runs task(0) on the calling thread and task(1) … task(threads − 1) on worker threads kept
// for the calling thread, and returns once every call has returned. A worker that has not
// started when task(0) returns is not called at all, and fewer workers than asked for (the
// system refused a thread) means fewer calls: tasks must share their work out dynamically (an
// atomic counter), never by the index alone. An exception thrown by any call (std::bad_alloc)
// is rethrown here once all calls have returned.
void runOnThreads(unsigned threads, const std::function<void(unsigned)>& task);

}  // namespace relaxcert
