//===- TierOps.td - Allocations, copies, waits and frees -----*- tablegen -*-===//
//
// The ops of the tier dialect, on buffers (memrefs) after bufferisation: the
// tier plan is about bytes at addresses, which tensors do not have.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TIER_OPS_TD
#define STRATA_TIER_OPS_TD

include "dialects/tier/TierDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Tier_Op<string mnemonic, list<Trait> traits = []> : Op<Tier_Dialect, mnemonic, traits>;

def Tier_AllocOp : Tier_Op<"alloc"> {
  let summary = "a buffer at a planned offset in a tier's arena";
  let description = [{
    The buffer lives at byte `offset` of the arena of tier `tier`, which the
    runtime allocates once; two buffers whose lifetimes overlap never share
    bytes. The buffer's shape is static: the planner places only buffers whose
    size it knows.

    ```mlir
    %slot = tier.alloc gpu offset 4096 : memref<64x64xf32>
    ```
  }];
  let arguments = (ins Tier_Kind:$tier, ConfinedAttr<I64Attr, [IntNonNegative]>:$offset);
  let results = (outs Res<AnyStaticShapeMemRef, "", [MemAlloc]>:$buffer);
  let assemblyFormat = "$tier `offset` $offset attr-dict `:` type($buffer)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Tier_CopyOp : Tier_Op<"copy"> {
  let summary = "an asynchronous copy on a named stream";
  let description = [{
    Queues a copy of `source` into `target` on stream `stream` and returns
    the event of its completion. The copy starts once every event in `after`
    is complete, the work queued on the stream before it has run, and the
    compute before it in program order is done with the bytes it writes (a
    `tier.free` of a buffer at those bytes comes before it): a lowering that
    runs copies beside compute records an event at each free for the copies
    into those bytes to wait for. Neither buffer may be read or written by
    anything else before the event is waited for. Both buffers have the same
    shape and element type.

    ```mlir
    %staged = tier.copy %file to %pinned on "nvme" : memref<64x64xf32> to memref<64x64xf32>
    %ready = tier.copy %pinned to %slot on "h2d" after %staged : memref<64x64xf32> to memref<64x64xf32>
    ```
  }];
  let arguments = (ins Arg<AnyMemRef, "", [MemRead]>:$source,
                       Arg<AnyMemRef, "", [MemWrite]>:$target,
                       StrAttr:$stream, Variadic<Tier_EventType>:$after);
  let results = (outs Tier_EventType:$done);
  let assemblyFormat = "$source `to` $target `on` $stream (`after` $after^)? attr-dict `:` "
                       "type($source) `to` type($target)";
  let builders = [
    OpBuilder<(ins "mlir::Value":$source, "mlir::Value":$target, "llvm::StringRef":$stream,
                   CArg<"mlir::ValueRange", "{}">:$after), [{
      build($_builder, $_state, EventType::get($_builder.getContext()), source, target,
            $_builder.getStringAttr(stream), after);
    }]>
  ];
  let hasVerifier = 1;
}

def Tier_WaitOp : Tier_Op<"wait"> {
  let summary = "blocks compute until an event is complete";
  let description = [{
    Work after the wait sees every byte the event's copy wrote. Waiting again
    for an event already waited for does nothing, and canonicalisation
    removes it.

    ```mlir
    tier.wait %ready
    ```
  }];
  let arguments = (ins Tier_EventType:$event);
  let assemblyFormat = "$event attr-dict";
  let hasCanonicalizer = 1;
}

def Tier_FreeOp : Tier_Op<"free"> {
  let summary = "ends a tier buffer's lifetime";
  let description = [{
    After the free, the bytes of the buffer at its offset may hold another
    buffer. The operand is the result of a `tier.alloc`.

    ```mlir
    tier.free %slot : memref<64x64xf32>
    ```
  }];
  let arguments = (ins Arg<AnyStaticShapeMemRef, "", [MemFree]>:$buffer);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasVerifier = 1;
}

#endif // STRATA_TIER_OPS_TD
