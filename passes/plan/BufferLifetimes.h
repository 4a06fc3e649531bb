//===- BufferLifetimes.h - When each allocated buffer is live ---*- C++ -*-===//
//
// The liveness side of the buffer plan: for every `memref.alloc` of a
// function, the positions (in the order of the function body's top-level
// ops; an op with regions counts as one position) from its allocation to the
// last use of any value that may alias it, whether it is returned, and
// whether a loop carries it from one iteration to the next.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_PLAN_BUFFERLIFETIMES_H
#define STRATA_PASSES_PLAN_BUFFERLIFETIMES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseMap.h"

#include <vector>

namespace strata::plan {

/// The lifetime of one allocation.
struct BufferLifetime {
  mlir::memref::AllocOp alloc;
  /// Top-level positions, inclusive.
  int64_t start = 0, end = 0;
  /// A value aliasing the buffer is returned: it lives to the end.
  bool returned = false;
  /// The buffer is allocated inside a loop and carried out of the iteration
  /// that allocated it (yielded), so one slot cannot serve every iteration.
  bool carriedByLoop = false;
  /// The last op, in the allocation's own block, that uses an alias.
  mlir::Operation *lastUseInBlock = nullptr;
  /// Every op that uses the buffer through some alias.
  std::vector<mlir::Operation *> users;
};

/// Lifetimes of every `memref.alloc` in `function`, in program order.
class BufferLifetimes {
public:
  explicit BufferLifetimes(mlir::func::FuncOp function);

  const std::vector<BufferLifetime> &get() const { return lifetimes; }
  /// The top-level position of `op`'s ancestor in the function body.
  int64_t positionOf(mlir::Operation *op) const;
  /// The index of the lifetime of `alloc`.
  size_t indexOf(mlir::memref::AllocOp alloc) const { return indices.lookup(alloc); }
  /// Whether `value` may alias the buffer of lifetime `index`.
  bool mayAlias(size_t index, mlir::Value value) const;

private:
  void trace(BufferLifetime &lifetime, size_t index);

  mutable mlir::func::FuncOp function;
  llvm::DenseMap<mlir::Operation *, int64_t> positions;
  std::vector<BufferLifetime> lifetimes;
  llvm::DenseMap<mlir::Operation *, size_t> indices;
  /// Value -> the lifetimes it may alias.
  llvm::DenseMap<mlir::Value, llvm::SmallVector<size_t, 1>> aliases;
};

} // namespace strata::plan

#endif // STRATA_PASSES_PLAN_BUFFERLIFETIMES_H
