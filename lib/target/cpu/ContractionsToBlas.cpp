//===- ContractionsToBlas.cpp - Matrix products as runtime BLAS calls -----===//
//
// Implements `strata-cpu-contractions-to-blas`; the call and its descriptor
// are declared in runtime/device/cpu/Contract.h. A zero fill of the
// output that nothing reads or writes (through any view) before the product
// is dropped and the call told to overwrite (sgemm's beta = 0) instead.
// Operands read from weights (PlannedAliasing.h's isConstant) are flagged in
// the call, so that the runtime may keep them re-laid out for its kernel.
//
// A product whose sizes and strides are all static reads its descriptor from
// a constant global (one per distinct descriptor); the others fill a stack
// descriptor before the call. Filled descriptors in the entry function cost a
// stack slot each and gave LLVM's SLP vectoriser a store chain per product to
// schedule, which made compile time quadratic in the number of products.
//
//===----------------------------------------------------------------------===//

#include "lib/target/cpu/Passes.h"
#include "lib/target/cpu/PlannedAliasing.h"

#include "runtime/device/cpu/Contract.h"

#include "dialects/program/ProgramDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace strata {
#define GEN_PASS_DEF_CONTRACTIONSTOBLAS
#include "lib/target/cpu/Passes.h.inc"
} // namespace strata

namespace {

constexpr llvm::StringLiteral kContractF32 = "strata_cpu_contract_f32";

bool isF32Memref(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getElementType().isF32();
}

/// The roles of `op`'s loop dimensions if it is an f32 contraction on memrefs.
std::optional<SmallVector<int64_t>> contractionRoles(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands())
    if (!isF32Memref(operand.get()))
      return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims = linalg::inferContractionDims(op);
  if (failed(dims))
    return std::nullopt;
  SmallVector<int64_t> roles(op.getNumLoops(), -1);
  auto assign = [&](ArrayRef<unsigned> list, strata_contract_role role) {
    for (unsigned d : list)
      roles[d] = role;
  };
  assign(dims->batch, STRATA_CONTRACT_BATCH);
  assign(dims->m, STRATA_CONTRACT_M);
  assign(dims->n, STRATA_CONTRACT_N);
  assign(dims->k, STRATA_CONTRACT_K);
  if (llvm::is_contained(roles, -1))
    return std::nullopt;
  return roles;
}

func::FuncOp declareContract(ModuleOp module) {
  if (auto f = module.lookupSymbol<func::FuncOp>(kContractF32))
    return f;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  Type i64 = b.getI64Type();
  auto type = b.getFunctionType({i64, i64, i64, i64, i64, i64, i64}, {});
  auto f = func::FuncOp::create(b, module.getLoc(), kContractF32, type);
  f.setPrivate();
  return f;
}

/// The aligned data pointer of `memref` plus its offset, as an i64.
Value dataPointer(OpBuilder &b, Location loc, Value memref) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, memref);
  Value four = arith::ConstantIndexOp::create(b, loc, 4);
  Value bytes = arith::MulIOp::create(b, loc, meta.getOffset(), four);
  Value at = arith::AddIOp::create(b, loc, base, bytes);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), at);
}

/// The zero fill of `op`'s output earlier in its block that nothing touches
/// (through any alias) before `op`, and that `op` does not read through its
/// inputs, if there is one: the call can overwrite the output instead.
linalg::FillOp zeroFillBefore(linalg::LinalgOp op) {
  Value out = op.getDpsInitOperand(0)->get();
  for (OpOperand *input : op.getDpsInputOperands())
    if (strata::mayAlias(input->get(), out))
      return nullptr;
  // The output is live from its fill to `op`: whatever an op in between
  // touches is live with it, which the buffer plan keeps apart unless it is
  // the same buffer.
  auto touches = [&](Operation *prev) {
    WalkResult r = prev->walk([&](Operation *nested) {
      for (Value operand : nested->getOperands())
        if (isa<BaseMemRefType>(operand.getType()) && strata::mayAlias(operand, out))
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    return r.wasInterrupted();
  };
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    auto fill = dyn_cast<linalg::FillOp>(prev);
    if (fill && fill.getDpsInitOperand(0)->get() == out)
      return matchPattern(fill.value(), m_AnyZeroFloat()) ? fill : nullptr;
    // A view or a constant reads and writes nothing: what is written through
    // a view later names the view, which `touches` sees.
    if (isMemoryEffectFree(prev))
      continue;
    // Earlier products' calls take raw pointers, but the ops that extract
    // them use the memrefs, so `touches` sees them; other calls may write
    // anything.
    auto call = dyn_cast<func::CallOp>(prev);
    bool opaqueCall = isa<CallOpInterface>(prev) && !(call && call.getCallee() == kContractF32);
    if (touches(prev) || opaqueCall)
      return nullptr;
  }
  return nullptr;
}

/// The descriptor's words, if every size and stride it holds is static.
std::optional<SmallVector<int64_t>> staticDescriptor(linalg::LinalgOp op, ArrayRef<int64_t> roles) {
  SmallVector<int64_t> words(STRATA_CONTRACT_WORDS * roles.size(), 0);
  for (auto [i, operand] : llvm::enumerate(op->getOpOperands())) {
    auto type = cast<MemRefType>(operand.get().getType());
    SmallVector<int64_t> strides;
    int64_t offset;
    if (!type.hasStaticShape() || failed(type.getStridesAndOffset(strides, offset)) ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return std::nullopt;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [r, expr] : llvm::enumerate(map.getResults())) {
      unsigned d = cast<AffineDimExpr>(expr).getPosition();
      words[STRATA_CONTRACT_WORDS * d] = type.getDimSize(r);
      words[STRATA_CONTRACT_WORDS * d + 1 + i] = strides[r];
    }
  }
  for (auto [d, role] : llvm::enumerate(roles))
    words[STRATA_CONTRACT_WORDS * d + 4] = role;
  return words;
}

/// Builds each product's descriptor: a load of a constant global when it is
/// static, stores into a stack buffer otherwise.
class DescriptorBuilder {
public:
  explicit DescriptorBuilder(ModuleOp module) : module_(module), symbols_(module) {}

  Value build(OpBuilder &b, linalg::LinalgOp op, ArrayRef<int64_t> roles) {
    Location loc = op.getLoc();
    if (std::optional<SmallVector<int64_t>> words = staticDescriptor(op, roles))
      return memref::GetGlobalOp::create(b, loc, type(roles.size()), global(*words).getSymName());
    return fill(b, op, roles);
  }

private:
  MemRefType type(int64_t rank) {
    return MemRefType::get({STRATA_CONTRACT_WORDS * rank},
                           IntegerType::get(module_.getContext(), 64));
  }

  memref::GlobalOp global(ArrayRef<int64_t> words) {
    MemRefType memref = type(words.size() / STRATA_CONTRACT_WORDS);
    auto value = DenseElementsAttr::get(
        RankedTensorType::get(memref.getShape(), memref.getElementType()), words);
    memref::GlobalOp &global = globals_[value];
    if (!global) {
      OpBuilder b = OpBuilder::atBlockBegin(module_.getBody());
      global = memref::GlobalOp::create(b, module_.getLoc(), "strata_contract_descriptor",
                                        b.getStringAttr("private"), memref, value,
                                        /*constant=*/true, b.getI64IntegerAttr(8));
      symbols_.insert(global);
    }
    return global;
  }

  Value fill(OpBuilder &b, linalg::LinalgOp op, ArrayRef<int64_t> roles) {
    Location loc = op.getLoc();
    Type i64 = b.getI64Type();
    int64_t rank = roles.size();
    Value desc = memref::AllocaOp::create(b, loc, type(rank));
    auto constant = [&](int64_t v) { return arith::ConstantIntOp::create(b, loc, i64, v); };
    auto store = [&](Value v, int64_t slot) {
      if (v.getType().isIndex())
        v = arith::IndexCastOp::create(b, loc, i64, v);
      memref::StoreOp::create(b, loc, v, desc,
                              ValueRange{arith::ConstantIndexOp::create(b, loc, slot)});
    };
    SmallVector<Value> sizes(rank);
    SmallVector<std::array<Value, 3>> strides(rank);
    for (auto [i, operand] : llvm::enumerate(op->getOpOperands())) {
      auto meta = memref::ExtractStridedMetadataOp::create(b, loc, operand.get());
      AffineMap map = op.getMatchingIndexingMap(&operand);
      for (auto [r, expr] : llvm::enumerate(map.getResults())) {
        unsigned d = cast<AffineDimExpr>(expr).getPosition();
        strides[d][i] = meta.getStrides()[r];
        sizes[d] = meta.getSizes()[r];
      }
    }
    for (int64_t d = 0; d < rank; ++d) {
      store(sizes[d], STRATA_CONTRACT_WORDS * d);
      for (int64_t i = 0; i < 3; ++i)
        store(strides[d][i] ? strides[d][i] : constant(0), STRATA_CONTRACT_WORDS * d + 1 + i);
      store(constant(roles[d]), STRATA_CONTRACT_WORDS * d + 4);
    }
    return desc;
  }

  ModuleOp module_;
  SymbolTable symbols_;
  llvm::DenseMap<Attribute, memref::GlobalOp> globals_;
};

void rewrite(linalg::LinalgOp op, ArrayRef<int64_t> roles, func::FuncOp callee,
             DescriptorBuilder &descriptors, SymbolTable &symbols, int64_t precision) {
  linalg::FillOp fill = zeroFillBefore(op);
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type i64 = b.getI64Type();
  auto constant = [&](int64_t v) { return arith::ConstantIntOp::create(b, loc, i64, v); };
  Value desc = descriptors.build(b, op, roles);
  Value descPointer = arith::IndexCastOp::create(
      b, loc, i64, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, desc));
  SmallVector<Value> args = {constant(roles.size()), descPointer};
  for (OpOperand &operand : op->getOpOperands())
    args.push_back(dataPointer(b, loc, operand.get()));
  args.push_back(constant(fill ? 0 : 1));
  int64_t flags = precision;
  if (strata::isConstant(op.getDpsInputOperand(0)->get(), symbols))
    flags |= STRATA_CONTRACT_CONSTANT_A;
  if (strata::isConstant(op.getDpsInputOperand(1)->get(), symbols))
    flags |= STRATA_CONTRACT_CONSTANT_B;
  args.push_back(constant(flags));
  func::CallOp::create(b, loc, callee, args);
  op->erase();
  if (fill)
    fill->erase();
}

struct ContractionsToBlas : strata::impl::ContractionsToBlasBase<ContractionsToBlas> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<int64_t>>> found;
    module.walk([&](linalg::LinalgOp op) {
      if (std::optional<SmallVector<int64_t>> roles = contractionRoles(op))
        found.push_back({op, std::move(*roles)});
    });
    if (found.empty())
      return;
    func::FuncOp callee = declareContract(module);
    SymbolTable symbols(module);
    DescriptorBuilder descriptors(module);
    auto precision =
        module->getAttrOfType<StringAttr>(strata::program::ProgramDialect::kMatmulPrecision);
    int64_t precisionFlag = !precision            ? 0
                            : precision == "bf16" ? STRATA_CONTRACT_BF16
                            : precision == "f16"  ? STRATA_CONTRACT_F16
                                                  : 0;
    for (auto &[op, roles] : found)
      rewrite(op, roles, callee, descriptors, symbols, precisionFlag);
  }
};

} // namespace
