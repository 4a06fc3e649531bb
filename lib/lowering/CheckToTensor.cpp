//===- CheckToTensor.cpp - Run-time checks of values read from inputs -----===//
//
// `graph.check_range`: an `scf.for` over the values that reads each one and
// checks that it is at least 0 and below the limit (so a limit of 0 or less
// fails every value), then the values themselves in place of the op's
// result.
//
//===----------------------------------------------------------------------===//

#include "lib/lowering/LoweringUtils.h"
#include "lib/lowering/Passes.h"

#include "dialects/graph/GraphDialect.h"
#include "dialects/program/RuntimeCheck.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
namespace g = strata::graph;

namespace strata {
namespace {

struct CheckRangeToTensor : OpRewritePattern<g::CheckRangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(g::CheckRangeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value values = op.getValues();
    Type i64 = rewriter.getI64Type();
    auto toI64 = [&](OpBuilder &b, Location l, Value v) -> Value {
      return v.getType() == i64 ? v : arith::ExtSIOp::create(b, l, i64, v).getResult();
    };
    Value limit = toI64(rewriter, loc, extractOnly(rewriter, loc, op.getLimit()));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value zero = arith::ConstantIntOp::create(rewriter, loc, i64, 0);
    scf::ForOp::create(rewriter, loc, c0, dimSize(rewriter, loc, values, 0), c1, ValueRange{},
                       [&](OpBuilder &b, Location l, Value i, ValueRange) {
                         Value v = toI64(b, l, tensor::ExtractOp::create(b, l, values, i));
                         Value inRange = arith::AndIOp::create(
                             b, l, arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, v, zero),
                             arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v, limit));
                         program::emitRuntimeCheck(b, l, inRange, op.getMessage());
                         scf::YieldOp::create(b, l);
                       });
    rewriter.replaceOp(op, values);
    return success();
  }
};

} // namespace

void populateCheckToTensorPatterns(RewritePatternSet &patterns) {
  patterns.add<CheckRangeToTensor>(patterns.getContext());
}

} // namespace strata
