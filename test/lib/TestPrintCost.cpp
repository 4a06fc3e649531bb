//===- TestPrintCost.cpp - Graph op costs as remarks ----------------------===//
//
// Implements `strata-test-print-cost`, which makes `CostOpInterface` figures
// checkable by lit tests with `--verify-diagnostics`.
//
//===----------------------------------------------------------------------===//

#include "test/lib/Passes.h"

#include "dialects/graph/GraphDialect.h"

namespace strata::test {
#define GEN_PASS_DEF_TESTPRINTCOST
#include "test/lib/Passes.h.inc"
} // namespace strata::test

using namespace mlir;

namespace {

struct TestPrintCost : strata::test::impl::TestPrintCostBase<TestPrintCost> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([&](strata::graph::CostOpInterface op) {
      FailureOr<strata::graph::OpCost> cost =
          dynamicSize < 0 ? op.getStaticCost()
                          : op.getResolvedCost([&](Value, int64_t) -> std::optional<int64_t> {
                              return dynamicSize;
                            });
      if (failed(cost)) {
        op->emitRemark("no static cost: a dimension is dynamic");
        return;
      }
      InFlightDiagnostic remark = op->emitRemark()
                                  << "flops " << cost->flops << ", bytes read " << cost->bytesRead
                                  << ", bytes written " << cost->bytesWritten;
      if (cost->workingBytes)
        remark << ", working bytes " << cost->workingBytes;
    });
  }
};

} // namespace
