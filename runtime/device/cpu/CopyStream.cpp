//===- CopyStream.cpp - Streams of the CPU device -------------------------===//
//
// The thread is a POSIX thread rather than a std::thread so that a failure to
// start it is an error the caller sees, not an abort inside the library.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/CopyStream.h"
#include "runtime/core/Status.h"

#include <cstring>
#include <new>

using strata::runtime::fatalError;
using strata::runtime::makeError;

namespace strata::cpu {

strata_status CopyStream::create(std::unique_ptr<CopyStream> &out) {
  std::unique_ptr<CopyStream> stream(new (std::nothrow) CopyStream);
  if (!stream)
    return makeError(STRATA_ERROR_OUT_OF_MEMORY, "cannot create a stream of the cpu device");
  if (int err = pthread_create(&stream->thread, nullptr, &CopyStream::threadMain, stream.get()))
    return makeError(STRATA_ERROR_OUT_OF_MEMORY,
                     "cannot start the copy thread of a stream of the cpu device: %s",
                     std::strerror(err));
  stream->started = true;
  out = std::move(stream);
  return nullptr;
}

CopyStream::~CopyStream() {
  if (!started)
    return;
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  queued.notify_one();
  if (int err = pthread_join(thread, nullptr))
    fatalError("cannot stop the copy thread of a stream of the cpu device: %s", std::strerror(err));
}

void CopyStream::enqueue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    tasks.push_back(std::move(task));
  }
  queued.notify_one();
}

void *CopyStream::threadMain(void *self) {
  CopyStream &stream = *static_cast<CopyStream *>(self);
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(stream.mutex);
      stream.queued.wait(lock, [&] { return stream.stopping || !stream.tasks.empty(); });
      // Stopping drains the queue first.
      if (stream.tasks.empty())
        return nullptr;
      task = std::move(stream.tasks.front());
      stream.tasks.pop_front();
    }
    task();
  }
}

} // namespace strata::cpu
