//===- CpuEvent.h - Events of the CPU device --------------------*- C++ -*-===//
//
// An event is a sequence of recordings; each recording is a mark that the
// copy thread of the stream it was recorded on completes when it reaches it.
// Waiting on an event waits for the mark that was its latest recording when
// the wait was asked for, as on a GPU, so recording it again later does not
// release earlier waiters early or late.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_DEVICE_CPU_CPUEVENT_H
#define STRATA_RUNTIME_DEVICE_CPU_CPUEVENT_H

#include "runtime/device/Device.h"

#include <condition_variable>
#include <memory>
#include <mutex>

namespace strata::cpu {

/// One recording of an event: complete once its stream has reached it.
class EventMark {
public:
  /// Marks the recording complete and wakes its waiters.
  void complete();
  bool isComplete() const;
  /// Blocks until the recording is complete.
  void wait() const;

private:
  mutable std::mutex mutex;
  mutable std::condition_variable completed;
  bool done = false;
};

/// The CPU device's event.
class CpuEvent final : public Event {
public:
  /// Starts a new recording and returns its mark, for the stream to complete.
  std::shared_ptr<EventMark> record();
  /// The latest recording; null if the event was never recorded.
  std::shared_ptr<EventMark> latest() const;

private:
  mutable std::mutex mutex;
  std::shared_ptr<EventMark> mark;
};

} // namespace strata::cpu

#endif // STRATA_RUNTIME_DEVICE_CPU_CPUEVENT_H
