//===- Passes.td - Test-only passes -----------------------------*- tablegen -*-===//
//
// Passes that make analyses and interfaces observable to lit tests. They are
// linked into strata-opt only, never into stratac.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TEST_LIB_PASSES_TD
#define STRATA_TEST_LIB_PASSES_TD

include "mlir/Pass/PassBase.td"

def TestPrintCost : Pass<"strata-test-print-cost", "mlir::func::FuncOp"> {
  let summary = "Emit each graph op's cost as a remark";
  let description = [{
    For every op that implements `CostOpInterface`, emits a remark at the op:
    `flops F, bytes read R, bytes written W` (and `, working bytes K` for an
    op that holds intermediates while it runs). Each dynamic dimension is sized
    `dynamic-size` (a bound, as the tier planner would give); without that
    option an op with a dynamic dimension reports that it has no static cost.

    Preconditions: none.

    Example: `strata-opt --strata-test-print-cost --verify-diagnostics` on

    ```mlir
    // expected-remark @+1 {{flops 16, bytes read 96, bytes written 64}}
    %z = graph.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```
  }];
  let options = [
    Option<"dynamicSize", "dynamic-size", "int64_t", "-1",
           "Size of every dynamic dimension (negative: leave them unknown)">,
  ];
}

#endif // STRATA_TEST_LIB_PASSES_TD
