//===- CpuEvent.cpp - Events of the CPU device ----------------------------===//
//
// Marks are shared between the event and the tasks queued on streams, so an
// event may be destroyed while a stream still has to reach its mark.
//
//===----------------------------------------------------------------------===//

#include "runtime/device/cpu/CpuEvent.h"

namespace strata::cpu {

void EventMark::complete() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  completed.notify_all();
}

bool EventMark::isComplete() const {
  std::lock_guard<std::mutex> lock(mutex);
  return done;
}

void EventMark::wait() const {
  std::unique_lock<std::mutex> lock(mutex);
  completed.wait(lock, [&] { return done; });
}

std::shared_ptr<EventMark> CpuEvent::record() {
  auto next = std::make_shared<EventMark>();
  std::lock_guard<std::mutex> lock(mutex);
  mark = next;
  return next;
}

std::shared_ptr<EventMark> CpuEvent::latest() const {
  std::lock_guard<std::mutex> lock(mutex);
  return mark;
}

} // namespace strata::cpu
