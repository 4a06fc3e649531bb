//===- TierDialect.td - The tier plan made explicit ----------*- tablegen -*-===//
//
// The tier dialect states where buffers live (device memory, pinned host
// memory, NVMe) and when bytes move between them: arena allocations at
// planned offsets, asynchronous copies on named streams that return events,
// waits and frees. `strata-plan-tiers` decides the placement; reading the IR
// it produces tells a person what moves where and when (docs/tiers.md).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TIER_DIALECT_TD
#define STRATA_TIER_DIALECT_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def Tier_Dialect : Dialect {
  let name = "tier";
  let cppNamespace = "::strata::tier";
  let summary = "Buffers on device, host and NVMe tiers, and the copies between them";
  let description = [{
    A tier is a level of the memory hierarchy the runtime manages: `gpu` (the
    memory the device computes in, whatever the device), `host` (pinned host
    memory) and `nvme` (the weights file on disk). Buffers are allocated at compile-time offsets in one arena
    per tier, copies run asynchronously on named streams and return events,
    and compute waits for the events of the bytes it reads.

    The module attribute `tier.plan` (`#tier.plan`) records the placement the
    planner chose and the figures it predicted, and `tier.device_budget` the
    device memory budget it was made for.

    Example:

    ```mlir
    %home = memref.get_global @"h.0.mlp.weight" : memref<768x3072xf32>
    %slot = tier.alloc gpu offset 0 : memref<768x3072xf32>
    %ready = tier.copy %home to %slot on "h2d" : memref<768x3072xf32> to memref<768x3072xf32>
    tier.wait %ready
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Adds the attributes and types (TierAttrs.cpp).
    void registerAttributes();
    void registerTypes();

    /// The module attribute that holds the plan.
    static constexpr llvm::StringLiteral kPlan = "tier.plan";
    /// The module attribute that holds the device memory budget the plan was
    /// made for (i64 bytes), which the buffered program is checked against.
    static constexpr llvm::StringLiteral kDeviceBudget = "tier.device_budget";
    /// The module attribute that holds the most bytes of weights one op
    /// reads after strata-split-weights cut the larger ones into pieces
    /// (i64), which fusion groups keep to.
    static constexpr llvm::StringLiteral kPieceBytes = "tier.piece_bytes";
    /// The module attribute that holds the home of each KV cache the program
    /// appends to in place (an array of `#tier.kv_cache`).
    static constexpr llvm::StringLiteral kKvCaches = "tier.kv_caches";
    /// On the entry function's argument that receives a tier's arena: the
    /// tier's name ("gpu" or "host").
    static constexpr llvm::StringLiteral kArena = "tier.arena";
  }];
}

def Tier_Kind : I32EnumAttr<"Kind", "a tier of the memory hierarchy", [
      I32EnumAttrCase<"gpu", 0>,
      I32EnumAttrCase<"host", 1>,
      I32EnumAttrCase<"nvme", 2>]> {
  let cppNamespace = "::strata::tier";
}

def Tier_EventType : TypeDef<Tier_Dialect, "Event"> {
  let mnemonic = "event";
  let summary = "the completion of a copy";
  let description = [{
    Complete once the copy that returned it has written its last byte.

    Example: `!tier.event`.
  }];
}

class Tier_Attr<string name, string attrMnemonic> : AttrDef<Tier_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Tier_PlacementAttr : Tier_Attr<"Placement", "placement"> {
  let summary = "where one weight lives and the stages that read it";
  let description = [{
    The weight called `name` (`bytes` bytes) has its home in tier `home`. A
    weight at home on `gpu` stays resident; one at home on `host` or `nvme`
    is copied into a device slot one stage ahead of each stage that reads it
    (stages `first` to `last` of the graph phase's order) and freed after it.

    Example: `#tier.placement<"h.3.mlp.weight", home = nvme, bytes = 9437184, first = 14, last = 14>`.
  }];
  let parameters = (ins "mlir::StringAttr":$name,
                        EnumParameter<Tier_Kind>:$home,
                        "int64_t":$bytes, "int64_t":$first, "int64_t":$last);
  let assemblyFormat = "`<` $name `,` `home` `=` $home `,` `bytes` `=` $bytes `,` "
                       "`first` `=` $first `,` `last` `=` $last `>`";
  let genVerifyDecl = 1;
}

def Tier_KvCacheAttr : Tier_Attr<"KvCache", "kv_cache"> {
  let summary = "where one KV cache lives";
  let description = [{
    The KV cache of entry argument `input` (`bytes` bytes at its capacity)
    has its home in tier `home`, `gpu` or `host`. A cache at home on the host
    stays in pinned host memory, where the device reads it and appends to it
    across the host link each step (docs/tiers.md).

    Example: `#tier.kv_cache<input = 2, home = host, bytes = 1048576>`.
  }];
  let parameters = (ins "int64_t":$input, EnumParameter<Tier_Kind>:$home, "int64_t":$bytes);
  let assemblyFormat = "`<` `input` `=` $input `,` `home` `=` $home `,` `bytes` `=` $bytes `>`";
  let genVerifyDecl = 1;
}

def Tier_PlanAttr : Tier_Attr<"Plan", "plan"> {
  let summary = "the placement of every weight and what the planner predicts of it";
  let description = [{
    `placements` lists every weight of the weights file with its home tier.
    Streamed weights go through `slots` device slots of `slot_bytes` bytes
    each (double buffering: a stage's weights load while the previous stage
    computes). The predicted figures: the step time in nanoseconds, of which
    `stall_ns` the compute waits for copies, and `copy_ns` the copies take in
    all (so `1 - stall_ns / copy_ns` of the copy time is hidden), the peak
    bytes of each tier (device: resident weights, slots and activations;
    host: weights at home there and the NVMe staging slots; NVMe: the weights
    read from it) and the bytes each link moves per step.

    Example:

    ```mlir
    #tier.plan<slots = 2, slot_bytes = 9437184, step_ns = 41000000, copy_ns = 37000000, stall_ns = 4000000,
               gpu_bytes = 30000000, host_bytes = 0, nvme_bytes = 113246208,
               h2d_bytes = 113246208, nvme_read_bytes = 113246208,
               placements = [#tier.placement<"h.0.mlp.weight", home = nvme, bytes = 9437184, first = 0, last = 0>]>
    ```
  }];
  let parameters = (ins "int64_t":$slots, "int64_t":$slotBytes, "int64_t":$stepNs,
                        "int64_t":$copyNs, "int64_t":$stallNs, "int64_t":$gpuBytes, "int64_t":$hostBytes, "int64_t":$nvmeBytes,
                        "int64_t":$h2dBytes, "int64_t":$nvmeReadBytes,
                        ArrayRefParameter<"PlacementAttr">:$placements);
  let assemblyFormat = "`<` `slots` `=` $slots `,` `slot_bytes` `=` $slotBytes `,` "
                       "`step_ns` `=` $stepNs `,` `copy_ns` `=` $copyNs `,` `stall_ns` `=` $stallNs `,` "
                       "`gpu_bytes` `=` $gpuBytes `,` "
                       "`host_bytes` `=` $hostBytes `,` `nvme_bytes` `=` $nvmeBytes `,` "
                       "`h2d_bytes` `=` $h2dBytes `,` `nvme_read_bytes` `=` $nvmeReadBytes `,` "
                       "`placements` `=` custom<Placements>($placements) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The placement of the weight called `name`, or null.
    PlacementAttr lookup(llvm::StringRef name) const;
  }];
}

#endif // STRATA_TIER_DIALECT_TD
