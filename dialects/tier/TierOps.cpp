//===- TierOps.cpp - Verifiers and canonicalisation of tier ops -----------===//
//
// A copy moves bytes between buffers of one type; a free ends a buffer that
// tier.alloc made; a second wait for an event does nothing; a buffer nobody
// reads or copies into is not allocated.
//
//===----------------------------------------------------------------------===//

#include "dialects/tier/TierDialect.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace strata::tier;

#define GET_OP_CLASSES
#include "dialects/tier/TierOps.cpp.inc"

LogicalResult AllocOp::verify() {
  MemRefType type = getBuffer().getType();
  if (!type.getLayout().isIdentity())
    return emitOpError("allocates a contiguous buffer; its type has layout ") << type.getLayout();
  if (!type.getElementType().isIntOrFloat())
    return emitOpError("allocates integer or float elements, of a known size; these are ")
           << type.getElementType();
  unsigned bits = type.getElementTypeBitWidth();
  uint64_t elementBytes = (bits + 7) / 8;
  uint64_t elements = static_cast<uint64_t>(type.getNumElements());
  uint64_t limit = static_cast<uint64_t>(INT64_MAX) - getOffset();
  if (elementBytes && elements > limit / elementBytes)
    return emitOpError("ends beyond the largest offset an arena can have: offset ")
           << getOffset() << " and " << type;
  return success();
}

LogicalResult CopyOp::verify() {
  auto source = cast<MemRefType>(getSource().getType());
  auto target = cast<MemRefType>(getTarget().getType());
  if (source.getShape() != target.getShape() || source.getElementType() != target.getElementType())
    return emitOpError("copies between buffers of one shape and element type; the source is ")
           << source << ", the target " << target;
  if (getStream().empty())
    return emitOpError("needs the name of the stream it runs on");
  if (getSource() == getTarget())
    return emitOpError("copies a buffer onto itself");
  return success();
}

LogicalResult FreeOp::verify() {
  if (!getBuffer().getDefiningOp<AllocOp>())
    return emitOpError("frees a buffer that tier.alloc made; this one comes from elsewhere");
  return success();
}

namespace {

/// A wait dominated by another wait for the same event finds it complete.
struct EraseRepeatedWait : OpRewritePattern<WaitOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(WaitOp wait, PatternRewriter &rewriter) const override {
    DominanceInfo dominance(wait->getParentOfType<FunctionOpInterface>());
    for (Operation *user : wait.getEvent().getUsers()) {
      auto other = dyn_cast<WaitOp>(user);
      if (other && other != wait && dominance.properlyDominates(other, wait)) {
        rewriter.eraseOp(wait);
        return success();
      }
    }
    return failure();
  }
};

/// A buffer whose only uses are its frees holds nothing anyone reads.
struct EraseUnusedAlloc : OpRewritePattern<AllocOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AllocOp alloc, PatternRewriter &rewriter) const override {
    if (!llvm::all_of(alloc->getUsers(), [](Operation *user) { return isa<FreeOp>(user); }))
      return failure();
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      rewriter.eraseOp(user);
    rewriter.eraseOp(alloc);
    return success();
  }
};

} // namespace

void WaitOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<EraseRepeatedWait>(context);
}

void AllocOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<EraseUnusedAlloc>(context);
}
