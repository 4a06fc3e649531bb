//===- FormFusionGroups.cpp - Graph ops into fusion groups ----------------===//
//
// Implements `strata-form-fusion-groups`: a union-find over the ops of a
// function body, merged in op order by the rules of Passes.td, then each
// group moved into a `graph.fusion_group` placed at its last op.
//
//===----------------------------------------------------------------------===//

#include "passes/fusion/Passes.h"

#include "dialects/tier/TierDialect.h"

#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace strata {
#define GEN_PASS_DEF_FORMFUSIONGROUPS
#include "passes/fusion/Passes.h.inc"
} // namespace strata

using namespace mlir;
using strata::graph::FusionKind;

namespace {

/// Integer tensors of at most this many elements hold shape arithmetic.
constexpr int64_t kShapeTensorElements = 64;

/// The kind of group `op` forms alone; nothing for an op that names a tensor.
std::optional<FusionKind> kindOf(Operation *op) {
  return cast<strata::graph::FusionOpInterface>(op).getFusionKind();
}

bool isShapeArithmetic(Operation *op) {
  return op->getNumResults() > 0 && llvm::all_of(op->getResultTypes(), [](Type type) {
           auto tensor = dyn_cast<RankedTensorType>(type);
           return tensor && tensor.hasStaticShape() &&
                  tensor.getNumElements() <= kShapeTensorElements &&
                  tensor.getElementType().isIntOrIndex();
         });
}

/// What a set of ops holds, for the merge rules.
struct Summary {
  int contractions = 0;
  bool attention = false, reduction = false, elementwise = false, computes = false;

  explicit Summary(ArrayRef<Operation *> ops) {
    for (Operation *op : ops) {
      std::optional<FusionKind> kind = kindOf(op);
      if (!kind)
        continue;
      computes = true;
      switch (*kind) {
      case FusionKind::attention:
        attention = true;
        ++contractions;
        break;
      case FusionKind::contraction:
        ++contractions;
        break;
      case FusionKind::reduction:
        reduction = true;
        break;
      case FusionKind::elementwise:
        elementwise = true;
        break;
      case FusionKind::movement:
        break;
      }
    }
  }

  FusionKind kind() const {
    if (attention || (contractions >= 2 && reduction))
      return FusionKind::attention;
    if (contractions)
      return FusionKind::contraction;
    if (reduction)
      return FusionKind::reduction;
    return elementwise ? FusionKind::elementwise : FusionKind::movement;
  }
};

/// The bytes of the module globals `ops` read, each counted once.
int64_t globalBytes(ArrayRef<Operation *> ops) {
  llvm::SmallDenseSet<Attribute> seen;
  int64_t bytes = 0;
  for (Operation *op : ops)
    for (Value operand : op->getOperands())
      if (Operation *load = operand.getDefiningOp();
          isa_and_present<ml_program::GlobalLoadConstOp, ml_program::GlobalLoadOp>(load)) {
        auto type = dyn_cast<RankedTensorType>(operand.getType());
        auto global = load->getAttrOfType<SymbolRefAttr>("global");
        if (type && type.hasStaticShape() && seen.insert(global).second)
          bytes += type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
      }
  return bytes;
}

class GroupFormation {
public:
  /// `maxWeightBytes` (0: no bound) bounds the bytes of globals a group
  /// reads, where merging would add to them.
  GroupFormation(Block &block, int64_t maxWeightBytes)
      : block(block), maxWeightBytes(maxWeightBytes) {
    for (Operation &op : block) {
      if (llvm::any_of(op.getOperands(), [&](Value v) {
            return isa<BlockArgument>(v) || activations.contains(v.getDefiningOp());
          }))
        activations.insert(&op);
      if (isa<strata::graph::FusionOpInterface>(op) && !op.hasTrait<OpTrait::ConstantLike>() &&
          isMemoryEffectFree(&op) && !isShapeArithmetic(&op)) {
        groupOf[&op] = members.size();
        parent.push_back(members.size());
        members.push_back({&op});
      }
    }
  }

  /// Merges groups along producer-consumer edges in op order.
  void merge() {
    for (Operation &op : block) {
      if (!groupOf.count(&op))
        continue;
      SmallVector<Operation *> work{&op};
      while (!work.empty()) {
        Operation *consumer = work.pop_back_val();
        for (Value operand : consumer->getOperands()) {
          Operation *producer = operand.getDefiningOp();
          if (!producer || !groupOf.count(producer))
            continue;
          unsigned from = find(producer), into = find(&op);
          if (from == into || !(usersWithin(producer, from, into) || isEpilogue(from, consumer)) ||
              !mayMerge(from, consumer, into) || !fitsPiece(from, into) || !isConvex(from, into) ||
              crossesWrite(from, into))
            continue;
          llvm::append_range(work, members[from]);
          parent[from] = into;
          llvm::append_range(members[into], members[from]);
          members[from].clear();
        }
      }
    }
  }

  /// Moves each group that computes something into a `graph.fusion_group`.
  void materialise() {
    SmallVector<SmallVector<Operation *>> groups;
    for (auto [id, ops] : llvm::enumerate(members))
      if (parent[id] == id && Summary(ops).computes)
        groups.push_back(ops);
    // In the order of each group's first op in the original order.
    DenseMap<Operation *, unsigned> position;
    for (Operation &op : block)
      position[&op] = position.size();
    auto byPosition = [&](Operation *a, Operation *b) { return position[a] < position[b]; };
    for (SmallVector<Operation *> &ops : groups)
      llvm::sort(ops, byPosition);
    llvm::sort(groups, [&](const auto &a, const auto &b) { return byPosition(a[0], b[0]); });
    for (SmallVector<Operation *> &ops : groups) {
      llvm::sort(ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
      if (succeeded(place(ops, Summary(ops).kind())))
        continue;
      // Groups whose dependences form a cycle with another group's: each op
      // runs alone.
      for (Operation *op : ops)
        if (std::optional<FusionKind> kind = kindOf(op))
          (void)place({op}, *kind);
    }
  }

private:
  unsigned find(Operation *op) {
    unsigned id = groupOf.lookup(op);
    while (parent[id] != id)
      id = parent[id] = parent[parent[id]];
    return id;
  }

  /// The op of this block that is or holds `op`, if it is a group member.
  std::optional<unsigned> groupOfUser(Operation *user) {
    Operation *top = block.findAncestorOpInBlock(*user);
    if (!top || !groupOf.count(top))
      return std::nullopt;
    return find(top);
  }

  /// Whether every use of `producer`'s results is in group `a` or `b`.
  bool usersWithin(Operation *producer, unsigned a, unsigned b) {
    return llvm::all_of(producer->getUsers(), [&](Operation *user) {
      std::optional<unsigned> id = groupOfUser(user);
      return id && (*id == a || *id == b);
    });
  }

  /// Whether `consumer` joins group `from` as the epilogue of its product,
  /// which then also writes the values other groups read.
  bool isEpilogue(unsigned from, Operation *consumer) {
    return Summary(members[from]).contractions > 0 && kindOf(consumer) != FusionKind::contraction &&
           kindOf(consumer) != FusionKind::attention;
  }

  /// Whether `op` is a product of two values computed from the inputs (not
  /// of an input and a weight), as the scores and the weighted sum of
  /// attention are.
  bool multipliesActivations(Operation *op) {
    return kindOf(op) == FusionKind::contraction && llvm::all_of(op->getOperands(), [&](Value v) {
             return isa<BlockArgument>(v) || activations.contains(v.getDefiningOp());
           });
  }

  /// The kind rules of Passes.td for the edge into `consumer`.
  bool mayMerge(unsigned from, Operation *consumer, unsigned into) {
    Summary producer(members[from]), joined(members[into]);
    if (!producer.computes)
      return true;
    if (kindOf(consumer) == FusionKind::contraction)
      return producer.contractions == 1 && producer.reduction && !producer.attention &&
             joined.contractions == 1 && !joined.reduction && multipliesActivations(consumer) &&
             llvm::any_of(members[from], [&](Operation *op) { return multipliesActivations(op); });
    return producer.contractions == 0 || joined.contractions == 0;
  }

  /// Whether groups `a` and `b` together read at most the bytes of weights
  /// a piece may have (tier.piece_bytes), or no more than one of them alone.
  bool fitsPiece(unsigned a, unsigned b) {
    if (!maxWeightBytes)
      return true;
    SmallVector<Operation *> both(members[a]);
    llvm::append_range(both, members[b]);
    int64_t joined = globalBytes(both);
    return joined <= maxWeightBytes ||
           joined <= std::max(globalBytes(members[a]), globalBytes(members[b]));
  }

  /// Whether no path leaves groups `a` and `b` together and comes back.
  bool isConvex(unsigned a, unsigned b) {
    DenseSet<Operation *> inside(llvm::from_range, members[a]);
    inside.insert_range(members[b]);
    Operation *last = *llvm::max_element(
        inside, [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
    DenseSet<Operation *> reached;
    SmallVector<Operation *> work(inside.begin(), inside.end());
    while (!work.empty()) {
      Operation *op = work.pop_back_val();
      for (Operation *user : op->getUsers()) {
        Operation *top = block.findAncestorOpInBlock(*user);
        if (!top)
          continue;
        if (inside.contains(top)) {
          if (!inside.contains(op))
            return false;
          continue;
        }
        if (top->isBeforeInBlock(last) && reached.insert(top).second)
          work.push_back(top);
      }
    }
    return true;
  }

  /// Whether an op that writes memory (a training step's store of a weight)
  /// lies between the ops of groups `a` and `b` without reading what they
  /// compute: the group, placed at its last op, would move the reads of the
  /// ops before it past the write.
  bool crossesWrite(unsigned a, unsigned b) {
    SmallVector<Operation *> both(members[a]);
    llvm::append_range(both, members[b]);
    auto before = [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); };
    Operation *first = *llvm::min_element(both, before), *last = *llvm::max_element(both, before);
    DenseSet<Operation *> inside(llvm::from_range, both);
    for (Operation *op = first->getNextNode(); op != last; op = op->getNextNode()) {
      if (inside.contains(op) || isMemoryEffectFree(op) || !hasEffect<MemoryEffects::Write>(op))
        continue;
      if (llvm::none_of(op->getOperands(), [&](Value v) {
            Operation *def = v.getDefiningOp();
            return def && inside.contains(def);
          }))
        return true;
    }
    return false;
  }

  /// Moves `ops` (in block order) into a group after the last of them; the
  /// ops between them that depend on them move after the group. Fails, with
  /// nothing changed, when one of `ops` depends on such an op.
  LogicalResult place(ArrayRef<Operation *> ops, FusionKind kind) {
    DenseSet<Operation *> inGroup(llvm::from_range, ops), dependent;
    auto reads = [](Operation *op, const DenseSet<Operation *> &defs) {
      return op
          ->walk([&](Operation *inner) {
            for (Value v : inner->getOperands())
              if (Operation *def = v.getDefiningOp(); def && defs.contains(def))
                return WalkResult::interrupt();
            return WalkResult::advance();
          })
          .wasInterrupted();
    };
    SmallVector<Operation *> after;
    for (Operation *op = ops.front(); op != ops.back(); op = op->getNextNode()) {
      if (inGroup.contains(op)) {
        if (reads(op, dependent))
          return failure();
      } else if (reads(op, inGroup) || reads(op, dependent)) {
        dependent.insert(op);
        after.push_back(op);
      }
    }
    if (reads(ops.back(), dependent))
      return failure();

    SmallVector<Value> yielded;
    for (Operation *op : ops)
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !inGroup.contains(block.findAncestorOpInBlock(*user));
            }))
          yielded.push_back(result);
    Operation *anchor = *llvm::find_if(ops, [](Operation *op) { return kindOf(op).has_value(); });
    OpBuilder builder(ops.back()->getContext());
    builder.setInsertionPointAfter(ops.back());
    auto group = strata::graph::FusionGroupOp::create(builder, anchor->getLoc(),
                                                      TypeRange(ValueRange(yielded)), kind);
    Block *body = builder.createBlock(&group.getBody());
    for (Operation *op : ops)
      op->moveBefore(body, body->end());
    strata::graph::YieldOp::create(builder, anchor->getLoc(), yielded);
    for (auto [value, result] : llvm::zip(yielded, group.getResults()))
      value.replaceUsesWithIf(result,
                              [&](OpOperand &use) { return !group->isAncestor(use.getOwner()); });
    Operation *previous = group;
    for (Operation *op : after) {
      op->moveAfter(previous);
      previous = op;
    }
    return success();
  }

  Block &block;
  int64_t maxWeightBytes;
  /// The ops whose results depend on the function's arguments.
  DenseSet<Operation *> activations;
  DenseMap<Operation *, unsigned> groupOf;
  SmallVector<unsigned> parent;
  SmallVector<SmallVector<Operation *>> members;
};

struct FormFusionGroups : strata::impl::FormFusionGroupsBase<FormFusionGroups> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    if (function.isExternal())
      return;
    // Weights cut into pieces for the tier plan's slots (strata-split-weights)
    // stay in groups of their own.
    int64_t maxWeightBytes = 0;
    if (auto module = function->getParentOfType<ModuleOp>())
      if (auto pieces = module->getAttrOfType<IntegerAttr>(strata::tier::TierDialect::kPieceBytes))
        maxWeightBytes = pieces.getInt();
    GroupFormation formation(function.getBody().front(), maxWeightBytes);
    if (!singletons)
      formation.merge();
    formation.materialise();
  }
};

} // namespace
