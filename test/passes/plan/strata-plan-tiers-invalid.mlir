// RUN: strata-opt %s --split-input-file --verify-diagnostics --strata-plan-tiers="gpu-mem=3000"
// RUN: not strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=1000" 2>&1 | FileCheck %s --check-prefix=HOST
// RUN: not strata-opt %s --split-input-file --strata-plan-tiers 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=65536 nvme-mem=1000" 2>&1 | FileCheck %s --check-prefix=NVME
// RUN: not strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=70000 host-mem=97000 nvme-mem=65500" 2>&1 | FileCheck %s --check-prefix=NVMEPLACE
// RUN: not strata-opt %s --split-input-file --strata-plan-tiers="gpu-mem=1000000 h2d-bandwidth=0" 2>&1 | FileCheck %s --check-prefix=RATE

// A device budget below the least any placement needs: the activations at
// their peak (x and a, 3 KiB), the constants, and two slots for the largest
// stage, streaming being cheaper than keeping the 96 KiB of weights resident.
// With room on the device for the slots but not for the weights, and the
// host too small for them and for two staging slots.
// HOST: error: the host memory budget (host-mem) of 1000 bytes cannot stage this model's weights: streaming them from NVMe needs two pinned slots of 32.00 KiB (32768 bytes), at least 64.00 KiB (65536 bytes) of host memory
// With room for the slots and staging slots only, nearly every weight must
// live on NVMe: a budget of 1000 bytes there cannot work, and says how much
// at least it takes. One that passes that bound may still fit no placement:
// with 97000 bytes of host memory, less than the weights, something streams
// from NVMe, and beside the staging slots no 32 KiB weight fits the host, so
// all 96 KiB live on NVMe.
// NVME: error: the NVMe budget (nvme-mem) of 1000 bytes cannot hold this model's weights: of 96.00 KiB (98304 bytes), the device and host budgets hold at most {{.+}}, so at least {{.+}} must live on NVMe; raise nvme-mem, host-mem or gpu-mem
// NVMEPLACE: error: the tier planner found no placement keeping at most 63.96 KiB (65500 bytes) on NVMe (nvme-mem) within the device and host budgets; raise nvme-mem, host-mem or gpu-mem
// BUDGET: error: the tier plan needs a device memory budget (gpu-mem) of at least one byte; it is 0
// RATE: error: the tier plan's bandwidths and flop rate must be positive and finite; one is 0

module {
  ml_program.global private @w0(dense<1.0> : tensor<128x64xf32>) : tensor<128x64xf32>
  ml_program.global private @w1(dense<1.0> : tensor<64x128xf32>) : tensor<64x128xf32>
  ml_program.global private @w2(dense<1.0> : tensor<128x64xf32>) : tensor<128x64xf32>
  // expected-error @+1 {{the device memory budget (gpu-mem) of 2.93 KiB (3000 bytes) cannot hold this model: it needs at least 67.00 KiB (68608 bytes): 3.00 KiB (3072 bytes) for the activations at their peak, 0 bytes for the constants in the program, two slots of 32.00 KiB (32768 bytes) for the weights of the largest streamed stage}}
  func.func @main(%x: tensor<4x128xf32> {program.value = #program.value<"x", dims = ["", ""]>})
      -> (tensor<4x64xf32> {program.value = #program.value<"y", dims = ["", ""]>})
      attributes {program.entry} {
    %w0 = ml_program.global_load_const @w0 : tensor<128x64xf32>
    %w1 = ml_program.global_load_const @w1 : tensor<64x128xf32>
    %w2 = ml_program.global_load_const @w2 : tensor<128x64xf32>
    // expected-note @+1 {{the activations peak after this op}}
    %a = graph.matmul %x, %w0 : (tensor<4x128xf32>, tensor<128x64xf32>) -> tensor<4x64xf32>
    %b = graph.matmul %a, %w1 : (tensor<4x64xf32>, tensor<64x128xf32>) -> tensor<4x128xf32>
    %c = graph.matmul %b, %w2 : (tensor<4x128xf32>, tensor<128x64xf32>) -> tensor<4x64xf32>
    return %c : tensor<4x64xf32>
  }
}

// -----

// Every size must be known: the plan is made for one shape.
module {
  ml_program.global private @w0(dense<1.0> : tensor<64x64xf32>) : tensor<64x64xf32>
  // expected-error @+1 {{the tier plan needs every size of input #0; give it a static shape with --shape}}
  func.func @main(%x: tensor<?x64xf32> {program.value = #program.value<"x", dims = ["n", ""]>})
      -> (tensor<?x64xf32> {program.value = #program.value<"y", dims = ["n", ""]>})
      attributes {program.entry} {
    %w0 = ml_program.global_load_const @w0 : tensor<64x64xf32>
    %a = graph.matmul %x, %w0 : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
    return %a : tensor<?x64xf32>
  }
}

// -----

// expected-error @+1 {{the tier plan needs the model's entry function (program.entry)}}
module {
  func.func @main() {
    return
  }
}

// -----

// expected-error @+1 {{the tier plan needs the body of the entry function}}
func.func private @main(tensor<4x64xf32>) -> tensor<4x64xf32> attributes {program.entry}
