//===- CopyStream.h - Streams of the CPU device -----------------*- C++ -*-===//
//
// Each stream of the CPU device is a thread that runs the stream's work (the
// copies, event recordings and waits, and host functions) in the order it
// was queued, so copies overlap the compiled code exactly as a GPU's copy
// engines overlap its kernels.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_COPYSTREAM_H
#define STRATA_RUNTIME_DEVICE_CPU_COPYSTREAM_H

#include "runtime/device/Device.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <pthread.h>

namespace strata::cpu {

/// A stream and the copy thread that runs its work.
class CopyStream final : public Stream {
public:
  /// Starts a stream's copy thread.
  static strata_status create(std::unique_ptr<CopyStream> &out);

  /// Waits for the work queued so far, then stops the thread.
  ~CopyStream() override;

  /// Queues `task` to run on the copy thread after the tasks queued before it.
  void enqueue(std::function<void()> task);

private:
  CopyStream() = default;

  /// The copy thread's loop; `self` is the stream.
  static void *threadMain(void *self);

  std::mutex mutex;
  std::condition_variable queued;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  bool started = false;
  pthread_t thread;
};

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_COPYSTREAM_H
