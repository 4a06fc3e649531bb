//===- ReassociateReductions.cpp - Vectorisable float reductions ----------===//
//
// Implements `strata-cpu-reassociate-reductions`.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_REASSOCIATEREDUCTIONS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

/// Sets `reassoc` on the op of `generic`'s body that combines output `index`'s
/// accumulator, if it is a float add, mul, max or min.
void relaxCombiner(linalg::GenericOp generic, unsigned index) {
  Block *body = generic.getBody();
  BlockArgument acc = body->getArgument(generic.getNumDpsInputs() + index);
  for (Operation *user : acc.getUsers()) {
    if (!isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
             arith::MinNumFOp>(user))
      continue;
    auto fm = cast<arith::ArithFastMathInterface>(user);
    arith::FastMathFlags flags = fm.getFastMathFlagsAttr().getValue();
    user->setAttr(
        fm.getFastMathAttrName(),
        arith::FastMathFlagsAttr::get(user->getContext(), flags | arith::FastMathFlags::reassoc));
  }
}

struct ReassociateReductions : strata::impl::ReassociateReductionsBase<ReassociateReductions> {
  void runOnOperation() override {
    getOperation()->walk([](linalg::GenericOp generic) {
      if (generic.getNumReductionLoops() == 0)
        return;
      for (unsigned i = 0; i < generic.getNumDpsInits(); ++i)
        relaxCombiner(generic, i);
    });
  }
};

} // namespace
