//===- Driver.cpp - The stratac command line ------------------------------===//
//
// Parses the command line (refusing unknown options), imports the model, checks
// tensor sizes after the import and the graph phase, runs the pipeline up to
// the requested phase and writes the result atomically (a failed or interrupted
// run leaves no output file).
//
//===----------------------------------------------------------------------===//

#include "lib/driver/Driver.h"

#include "lib/driver/BoundedTierPlan.h"
#include "lib/driver/OptionNames.h"
#include "lib/driver/Options.h"
#include "lib/driver/OutputFile.h"
#include "lib/driver/PassFailures.h"
#include "lib/driver/Pipeline.h"
#include "lib/driver/Registration.h"
#include "lib/driver/TensorSizeLimit.h"
#include "lib/driver/TierOptions.h"
#include "lib/driver/TrainedModel.h"
#include "lib/driver/WeightPieces.h"
#include "lib/emit/Executable.h"
#include "lib/emit/InterruptCleanup.h"
#include "lib/onnx/ModelTemplate.h"

#include "dialects/program/ProgramDialect.h"
#include "dialects/tier/TierDialect.h"
#include "passes/fusion/FusionReport.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>

using namespace mlir;

namespace strata {

namespace {

llvm::cl::SubCommand importCommand("import", "Import an ONNX model and print graph IR");
llvm::cl::SubCommand compileCommand("compile", "Compile an ONNX model");
llvm::cl::SubCommand updateCommand("update-weights",
                                   "Write an ONNX model with its float initializers replaced by "
                                   "the tensors of the same names in a weights file (a training "
                                   "program's checkpoint or export)");

llvm::cl::opt<std::string> inputFile(llvm::cl::Positional, llvm::cl::Required,
                                     llvm::cl::desc("<model.onnx | model.onnxtext>"),
                                     llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand),
                                     llvm::cl::sub(updateCommand));
llvm::cl::opt<std::string> outputFile("o",
                                      llvm::cl::desc("Output: the IR ('-' = stdout) or, "
                                                     "for compile without --compile-to, "
                                                     "the executable; for update-weights, "
                                                     "the ONNX model"),
                                      llvm::cl::value_desc("file"), llvm::cl::init("-"),
                                      llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand),
                                      llvm::cl::sub(updateCommand));
llvm::cl::opt<std::string> weightsOption(
    "weights", llvm::cl::desc("The weights file whose tensors replace the initializers"),
    llvm::cl::value_desc("file.weights"), llvm::cl::Required, llvm::cl::sub(updateCommand));
llvm::cl::list<std::string>
    shapeOption("shape",
                llvm::cl::desc("Fix an input's shape: NAME=DxD (e.g. input_ids=1x128); "
                               "repeat or separate with commas"),
                llvm::cl::value_desc("NAME=DIMS"), llvm::cl::sub(importCommand),
                llvm::cl::sub(compileCommand));
llvm::cl::list<std::string> maxShapeOption(
    "max-shape", llvm::cl::desc("Upper bound of a symbolic dimension: NAME=N (e.g. batch=8)"),
    llvm::cl::value_desc("DIM=N"), llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand));
llvm::cl::opt<std::string> compileTo(
    "compile-to",
    llvm::cl::desc("Stop after this phase and print its IR: import, graph, fusion, linalg, "
                   "buffers, plan, llvm"),
    llvm::cl::value_desc("phase"), llvm::cl::sub(compileCommand));
llvm::cl::opt<std::string>
    targetOption("target",
                 llvm::cl::desc("Code generation target (see 'targets' above; default: the "
                                "first)"),
                 llvm::cl::value_desc("name"), llvm::cl::sub(compileCommand));
llvm::cl::opt<std::string> maxTensorBytesOption(
    "max-tensor-bytes",
    llvm::cl::desc("The largest tensor a model may have, in bytes, with an optional KiB, MiB, "
                   "GiB or TiB suffix (default: 16GiB)"),
    llvm::cl::value_desc("size"), llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand));
llvm::cl::opt<bool> printResources(
    "print-weights", llvm::cl::desc("Print weight blobs in full instead of eliding them"),
    llvm::cl::init(false), llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand));

llvm::cl::opt<bool> noRaise(
    "no-raise",
    llvm::cl::desc("Keep exported primitive subgraphs (GELU, SiLU, layer and RMS norm written "
                   "as arithmetic) as they are instead of raising them to graph ops"),
    llvm::cl::init(false), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> lossOption(
    "loss",
    llvm::cl::desc(
        "Append a loss to the model and compile the program that returns it and the "
        "gradient of every weight: mse:OUTPUT,TARGET or cross_entropy:LOGITS,LABELS[,shift] "
        "(TARGET and LABELS become inputs; docs/training.md)"),
    llvm::cl::value_desc("kind:output,target"), llvm::cl::sub(compileCommand));

llvm::cl::opt<bool> trainOption(
    "train",
    llvm::cl::desc("With --loss, compile a training program: each run is one optimizer step "
                   "that updates the weights in place, and the program's --train loop reads "
                   "data, steps and writes checkpoints (docs/training.md)"),
    llvm::cl::init(false), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> optimizerOption(
    "optimizer",
    llvm::cl::desc("With --train, the optimizer: adamw or sgd, optionally followed by "
                   ":KEY=NUMBER,... with beta1, beta2, eps (adamw), momentum (sgd), "
                   "weight_decay and clip (the gradients' largest global norm; default: no "
                   "clipping)"),
    llvm::cl::value_desc("adamw|sgd[:key=value,...]"), llvm::cl::init("adamw"),
    llvm::cl::sub(compileCommand));

llvm::cl::opt<bool> swappableWeights(
    "swappable-weights",
    llvm::cl::desc("Keep every float initializer of more than one element in the weights file, "
                   "none in the program's code, so that the weights a training program "
                   "exports (--export-weights) replace them all"),
    llvm::cl::init(false), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> matmulPrecision(
    "matmul-precision",
    llvm::cl::desc("f32 (default), bf16 or f16: with bf16, f32 matrix products read their "
                   "operands rounded to bf16 and accumulate and write in f32, where the target "
                   "has fast bf16 products; with f16, they read them rounded to f16, accumulate "
                   "in f32 and round their results to f16 (a GPU's f16 products; emulated, "
                   "slower than f32, where the target has no f16 product kernel); tensors, "
                   "weights and everything else stay f32 (docs/cli.md)"),
    llvm::cl::value_desc("f32|bf16|f16"), llvm::cl::init("f32"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> lossScaleOption(
    "loss-scale",
    llvm::cl::desc("With --train, dynamic loss scaling as torch.amp.GradScaler's: the loss is "
                   "multiplied by a scale before its gradients are taken, which are divided by "
                   "it; a step with a gradient that is not finite updates nothing and halves "
                   "the scale, and INTERVAL finite steps in a row double it. Default: dynamic "
                   "with --matmul-precision=f16, else none (docs/training.md)"),
    llvm::cl::value_desc("none|dynamic[:init=65536,interval=2000]"), llvm::cl::init(""),
    llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> kvCacheOption(
    "kv-cache",
    llvm::cl::desc("How a decoder appends to its KV cache: in-place (default; each cache input "
                   "that only the concat of past and new positions reads becomes a buffer of "
                   "the --max-shape bound of its present output, which --generate keeps "
                   "between steps) or copy (the concat, as exported)"),
    llvm::cl::value_desc("in-place|copy"), llvm::cl::init("in-place"),
    llvm::cl::sub(compileCommand));

llvm::cl::opt<bool> noFusion(
    "no-fusion",
    llvm::cl::desc("Run every graph op as a kernel of its own instead of fusing ops into groups "
                   "(bias, activation and residual adds into their matrix product, elementwise "
                   "chains, norms, attention blocks)"),
    llvm::cl::init(false), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> reportOption(
    "report",
    llvm::cl::desc("Print a report after the fusion phase (to stderr): 'fusion' gives, per "
                   "layer, the kernels and the bytes moved through memory before and after "
                   "fusion"),
    llvm::cl::value_desc("fusion"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> gpuMemOption(
    "gpu-mem",
    llvm::cl::desc("Plan the model to run in this much device memory (with an optional KiB, "
                   "MiB, GiB or TiB suffix): weights that do not fit stream in per stage from "
                   "host memory or NVMe, as the tier plan decides (docs/tiers.md)"),
    llvm::cl::value_desc("size"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> hostMemOption(
    "host-mem",
    llvm::cl::desc("With --gpu-mem: the pinned host memory the tier plan may use for weights "
                   "and NVMe staging (default: unlimited)"),
    llvm::cl::value_desc("size"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> nvmeMemOption(
    "nvme-mem",
    llvm::cl::desc("With --gpu-mem: the most bytes of weights the tier plan may keep on NVMe "
                   "(default: unlimited)"),
    llvm::cl::value_desc("size"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> nvmeDirOption(
    "nvme-dir",
    llvm::cl::desc("With --gpu-mem: the directory (on a fast disk) where the program keeps the "
                   "weights the tier plan puts on NVMe, unless its own --nvme-dir says "
                   "otherwise (default: none; they are read from the weights file)"),
    llvm::cl::value_desc("dir"), llvm::cl::sub(compileCommand));

llvm::cl::opt<std::string> bandwidthsOption(
    "bandwidths",
    llvm::cl::desc("With --gpu-mem: a file of the link and compute rates the tier plan "
                   "predicts with (NAME = VALUE lines; docs/tiers.md)"),
    llvm::cl::value_desc("file"), llvm::cl::sub(compileCommand));

llvm::cl::opt<bool> timeReport(
    "time-report",
    llvm::cl::desc("Print, when done, the time the import, each pass, LLVM's code generation "
                   "and the link took (to stderr)"),
    llvm::cl::init(false), llvm::cl::sub(importCommand), llvm::cl::sub(compileCommand));

/// `model.onnx: node 'name (Op)'` for importer locations, `file:line:col` for IR.
std::string describeLocation(Location loc) {
  std::string out;
  llvm::raw_string_ostream os(out);
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (auto file = dyn_cast<FileLineColLoc>(name.getChildLoc()))
      os << file.getFilename().getValue() << ": ";
    os << "node '" << name.getName().getValue() << "'";
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() > 0)
      os << ":" << file.getLine() << ":" << file.getColumn();
  } else {
    loc.print(os);
  }
  return out;
}

StringRef severityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  return "error";
}

/// Prints `module` without its `dialect_resources` section. The textual printer
/// hex-encodes every blob before deciding whether to elide it, which would read
/// (and hold three times over) the memory-mapped weights; printing the body op by
/// op leaves the section out and never touches blob data.
void printWithoutBlobs(ModuleOp module, const OpPrintingFlags &flags, llvm::raw_ostream &os) {
  AsmState state(module, flags);
  os << "module ";
  if (!module->getAttrDictionary().empty()) {
    os << "attributes ";
    module->getAttrDictionary().print(os, state);
    os << " ";
  }
  os << "{\n";
  for (Operation &op : module.getBody()->getOperations()) {
    op.print(os, state);
    os << "\n";
  }
  os << "}\n";
}

llvm::cl::opt<bool>
    printLocations("print-locations",
                   llvm::cl::desc("Print each op's location (the ONNX node's name and op type)"),
                   llvm::cl::init(false), llvm::cl::sub(importCommand),
                   llvm::cl::sub(compileCommand));

int fail(const llvm::Twine &message) {
  llvm::errs() << "stratac: error: " << message << "\n";
  return 1;
}

/// The overview `--help` prints, with the registered targets.
std::string overview() {
  std::string text = "Strata: ahead-of-time compiler for transformer models\n\n"
                     "  stratac import MODEL [options]          print the imported graph IR\n"
                     "  stratac compile MODEL -o PROGRAM        write a standalone executable\n"
                     "  stratac compile MODEL --compile-to=P    print the IR after phase P\n"
                     "  stratac update-weights MODEL --weights=W -o OUT\n"
                     "                                          write MODEL with W's weights\n\n"
                     "targets (--target):\n";
  for (const TargetBackend *target : registeredTargetBackends())
    text += "  " + target->name().str() + "  " + target->description().str() + "\n";
  return text;
}

/// Runs the phases from `from` to `to` on `module`. The IR is verified once,
/// at the end, not after every pass as a PassManager does by default: on a
/// 10,000-node graph the per-pass verification of the LLVM-dialect module
/// took a fifth of the compile time. `strata-opt` (the tests) still verifies
/// after each pass.
LogicalResult runPhases(ModuleOp module, const PipelineOptions &options, Phase from, Phase to,
                        TimingScope &timing) {
  PassManager pm(module.getContext());
  pm.enableVerifier(false);
  reportSilentPassFailures(pm);
  buildPipeline(pm, options, from, to);
  auto first = static_cast<Phase>(static_cast<int>(from) + 1);
  std::string name = first == to
                         ? "phase " + phaseName(to).str()
                         : "phases " + phaseName(first).str() + " to " + phaseName(to).str();
  TimingScope passes = timing.nest(name);
  pm.enableTiming(passes);
  if (failed(pm.run(module)))
    return failure();
  passes.stop();
  TimingScope verification = timing.nest("verification");
  return verify(module);
}

/// The figures of `plan` the program's --report prints.
strata_tier_plan predictedFigures(tier::PlanAttr plan) {
  uint64_t resident = 0, hosted = 0;
  for (tier::PlacementAttr placement : plan.getPlacements()) {
    if (placement.getHome() == tier::Kind::gpu)
      resident += static_cast<uint64_t>(placement.getBytes());
    if (placement.getHome() == tier::Kind::host)
      hosted += static_cast<uint64_t>(placement.getBytes());
  }
  return {static_cast<uint64_t>(plan.getGpuBytes()),
          static_cast<uint64_t>(plan.getHostBytes()),
          resident,
          static_cast<uint64_t>(plan.getNvmeBytes()),
          static_cast<uint64_t>(plan.getH2dBytes()),
          static_cast<uint64_t>(plan.getNvmeReadBytes()),
          static_cast<uint64_t>(plan.getStepNs()),
          static_cast<uint64_t>(plan.getStallNs()),
          static_cast<uint64_t>(plan.getCopyNs()),
          nullptr,
          0,
          nullptr,
          hosted};
}

/// Gives each KV cache of `signature` the memory the tier plan put it in
/// (`tier.kv_caches`, whose inputs are arguments of `entry`, the function
/// the signature was read from).
LogicalResult placeKvCaches(ModuleOp module, func::FuncOp entry, ModelSignature &signature) {
  auto placed = module->getAttrOfType<ArrayAttr>(tier::TierDialect::kKvCaches);
  if (!placed)
    return success();
  for (auto cache : placed.getAsRange<tier::KvCacheAttr>()) {
    auto input = static_cast<unsigned>(cache.getInput());
    auto value =
        input < entry.getNumArguments()
            ? entry.getArgAttrOfType<program::ValueAttr>(input, program::ProgramDialect::kValue)
            : program::ValueAttr();
    ModelValue *found = nullptr;
    for (ModelValue &candidate : signature.inputs)
      if (value && candidate.cacheAxis >= 0 && candidate.name == value.getName().getValue())
        found = &candidate;
    if (!found)
      return module.emitError("the tier plan places the KV cache of input ")
             << input << ", which the program does not append to in place";
    found->cacheSpace =
        cache.getHome() == tier::Kind::host ? STRATA_MEMORY_HOST : STRATA_MEMORY_DEVICE;
  }
  return success();
}

/// Gives training program `t`, compiled from the ONNX model at `inputFile`,
/// that model to write its trained weights into (`--export-onnx`); warns,
/// saying why, when it cannot.
void addOnnxTemplate(MLIRContext &context, StringRef inputFile, ModelTraining &t) {
  llvm::Expected<onnx::ModelTemplate> made =
      onnx::makeModelTemplate(context, inputFile, t.parameters);
  if (!made) {
    llvm::errs() << "warning: the training program cannot write its weights into the ONNX "
                    "model (--export-onnx): "
                 << llvm::toString(made.takeError()) << "\n";
    return;
  }
  t.onnxModel = std::move(made->model);
  t.onnxInitializers = std::move(made->initializers);
}

/// Runs the phases after `reached` and links the program compiled from
/// `inputFile`.
LogicalResult emitProgram(ModuleOp module, const PipelineOptions &options, Phase reached,
                          StringRef inputFile, StringRef outputPath, TimingScope &timing) {
  auto entry = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
  if (!entry)
    return module.emitError("the module has no entry function (program.entry)");
  FailureOr<ModelSignature> signature = readModelSignature(entry, llvm::sys::path::stem(inputFile));
  if (failed(signature))
    return failure();
  if (signature->training)
    addOnnxTemplate(*module.getContext(), inputFile, *signature->training);
  if (failed(runPhases(module, options, reached, Phase::Plan, timing)))
    return failure();
  auto planned = dyn_cast_or_null<func::FuncOp>(program::findEntry(module).getOperation());
  if (!planned || failed(readArenaPlan(planned, *signature)) ||
      failed(readOutputDestinations(planned, *signature)))
    return failure();
  if (auto plan = module->getAttrOfType<tier::PlanAttr>(tier::TierDialect::kPlan)) {
    signature->tierPlan = predictedFigures(plan);
    for (tier::PlacementAttr placement : plan.getPlacements())
      if (placement.getHome() == tier::Kind::nvme)
        signature->nvmeWeights.push_back(placement.getName().str());
    if (options.plan.tiers)
      signature->nvmeDirectory = options.plan.tiers->nvmeDirectory;
  }
  if (failed(placeKvCaches(module, planned, *signature)))
    return failure();
  if (failed(runPhases(module, options, Phase::Plan, Phase::LLVM, timing)))
    return failure();
  const TargetBackend &target = *options.target;
  LinkOptions link = defaultLinkOptions();
  link.targetInputs = target.linkInputs();
  link.deviceFactory = target.deviceFactory().str();
  TimingScope executable = timing.nest("executable");
  auto writeObjects = [&](StringRef workDir, std::vector<std::string> &objects) {
    TimingScope codegen = executable.nest("LLVM code generation");
    return target.emitObjects(module, workDir, objects);
  };
  return emitExecutable(module, *signature, outputPath, writeObjects, link);
}

} // namespace

int runStratac(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  installInterruptCleanup();
  // A write past `ulimit -f` then fails with EFBIG, reported like a full disk,
  // instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  registerBuiltinTargetBackends();
  if (llvm::Error e =
          checkOptionNames(argc, argv, {&importCommand, &compileCommand, &updateCommand}))
    return fail(llvm::toString(std::move(e)));
  // The top level's options are the libraries' own (LLVM's back ends', some
  // 350 of them), none of which a command reads: `stratac --help` lists the
  // commands, and each command's --help its options.
  llvm::cl::HideUnrelatedOptions(llvm::ArrayRef<const llvm::cl::OptionCategory *>{});
  if (!llvm::cl::ParseCommandLineOptions(argc, argv, overview(), &llvm::errs()))
    return 1;
  if (updateCommand) {
    if (outputFile == "-")
      return fail("update-weights needs -o OUT.onnx");
    llvm::Expected<InitializerUpdate> update =
        updateInitializers(inputFile, weightsOption, outputFile);
    if (!update)
      return fail(llvm::toString(update.takeError()));
    llvm::outs() << "replaced " << update->replaced << " of " << update->floats
                 << " float initializers; wrote " << outputFile << "\n";
    return 0;
  }
  if (!importCommand && !compileCommand)
    return fail("expected a command: 'import', 'compile' or 'update-weights' (see --help)");

  onnx::ImportOptions options;
  for (const std::string &s : shapeOption)
    if (llvm::Error e = parseShapeOption(s, options))
      return fail(llvm::toString(std::move(e)));
  for (const std::string &s : maxShapeOption)
    if (llvm::Error e = parseMaxShapeOption(s, options))
      return fail(llvm::toString(std::move(e)));
  std::vector<const TargetBackend *> targets = registeredTargetBackends();
  const TargetBackend *target = targetOption.empty() ? (targets.empty() ? nullptr : targets.front())
                                                     : lookupTargetBackend(targetOption);
  if (!target) {
    std::string known;
    for (const TargetBackend *t : targets)
      known += (known.empty() ? "" : ", ") + t->name().str();
    return fail("unknown target '" + targetOption + "' (this build supports: " + known + ")");
  }
  uint64_t maxTensorBytes = kDefaultMaxTensorBytes;
  if (!maxTensorBytesOption.empty())
    if (llvm::Error e = parseByteSize(maxTensorBytesOption, "--max-tensor-bytes", maxTensorBytes))
      return fail(llvm::toString(std::move(e)));
  PipelineOptions pipeline = defaultPipelineOptions(*target);
  pipeline.graph.raise = !noRaise;
  pipeline.fusion.fuse = !noFusion;
  if (kvCacheOption != "in-place" && kvCacheOption != "copy")
    return fail("--kv-cache takes in-place or copy, not '" + kvCacheOption + "'");
  pipeline.graph.kvCacheInPlace = kvCacheOption == "in-place";
  pipeline.graph.loss = lossOption;
  if (matmulPrecision != "f32" && matmulPrecision != "bf16" && matmulPrecision != "f16")
    return fail("--matmul-precision takes f32, bf16 or f16, not '" + matmulPrecision + "'");
  if (!lossScaleOption.empty() && !trainOption)
    return fail("--loss-scale goes with --train");
  if (trainOption) {
    llvm::Expected<LossScaleOption> scale =
        parseLossScale(lossScaleOption.empty() ? (matmulPrecision == "f16" ? "dynamic" : "none")
                                               : StringRef(lossScaleOption));
    if (!scale)
      return fail(llvm::toString(scale.takeError()));
    pipeline.graph.lossScale = scale->initial;
    pipeline.graph.lossScaleInterval = scale->interval;
  }
  if (trainOption && lossOption.empty())
    return fail("--train needs --loss: the loss the optimizer minimises");
  if (optimizerOption.getNumOccurrences() && !trainOption)
    return fail("--optimizer goes with --train");
  if (trainOption)
    pipeline.graph.optimizer = optimizerOption;
  options.smallFloatWeights = !lossOption.empty() || swappableWeights;
  pipeline.plan.allFloatWeights = !lossOption.empty() || swappableWeights;
  llvm::Expected<std::optional<TierPlanOptions>> tiers = parseTierOptions(
      {gpuMemOption, hostMemOption, nvmeMemOption, nvmeDirOption, bandwidthsOption},
      target->defaultRates());
  if (!tiers)
    return fail(llvm::toString(tiers.takeError()));
  pipeline.plan.tiers = *tiers;
  if (pipeline.plan.tiers && !lossOption.empty())
    return fail("--loss cannot be combined with --gpu-mem yet: the tier plan places the weights "
                "of inference programs only");
  if (!reportOption.empty() && reportOption != "fusion")
    return fail("unknown report '" + reportOption + "' for --report (expected 'fusion')");
  Phase phase = Phase::Graph;
  bool linkProgram = compileCommand && compileTo.empty();
  if (linkProgram && outputFile == "-")
    return fail("compile needs -o PROGRAM for the executable (or --compile-to=PHASE "
                "to print IR)");
  if (compileCommand && !linkProgram) {
    std::optional<Phase> p = parsePhase(compileTo);
    if (!p)
      return fail("unknown phase '" + compileTo + "' for --compile-to (expected one of " +
                  phaseNames().str() + ")");
    phase = *p;
    if (!reportOption.empty() && phase < Phase::Fusion)
      return fail("--report=" + reportOption +
                  " needs the fusion phase (--compile-to=fusion or later)");
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.allowUnregisteredDialects(false);
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler diagnostics(&context, [](Diagnostic &diag) {
    llvm::errs() << describeLocation(diag.getLocation()) << ": " << severityName(diag.getSeverity())
                 << ": " << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes())
      llvm::errs() << describeLocation(note.getLocation()) << ": note: " << note.str() << "\n";
    return success();
  });
  DefaultTimingManager timingManager;
  timingManager.setEnabled(timeReport);
  TimingScope timing = timingManager.getRootScope();
  TimingScope importing = timing.nest("import");
  OwningOpRef<ModuleOp> module = onnx::importModelFile(inputFile, context, options);
  if (!module || failed(checkTensorSizes(*module, maxTensorBytes)))
    return 1;
  if (matmulPrecision != "f32")
    (*module)->setAttr(program::ProgramDialect::kMatmulPrecision,
                       StringAttr::get(&context, matmulPrecision));
  importing.stop();
  Phase reached = Phase::Import;
  if (linkProgram || phase > Phase::Import) {
    if (failed(runPhases(*module, pipeline, Phase::Import, Phase::Graph, timing)) ||
        failed(checkTensorSizes(*module, maxTensorBytes)))
      return 1;
    reached = Phase::Graph;
  }
  if (pipeline.plan.tiers && reached == Phase::Graph && (linkProgram || phase >= Phase::Fusion)) {
    // Where whole weights fit no placement, they are cut into pieces at a
    // size tried through the fusion phase and the planner.
    auto cutWeights = [&](ModuleOp graph, TimingScope &scope) {
      TimingScope cutting = scope.nest("weight pieces");
      PipelineOptions trial = pipeline;
      trial.plan.tiers->piecesWithoutData = true;
      chooseWeightPieces(graph, pipeline, [&](ModuleOp copy) {
        return runPhases(copy, trial, Phase::Graph, Phase::Fusion, cutting);
      });
    };
    if (hasStaticInputs(*module)) {
      cutWeights(*module, timing);
    } else {
      // The plan is made at the largest sizes the inputs take, on a second
      // import with those sizes fixed.
      TimingScope bounding = timing.nest("tier plan at the bounds");
      FailureOr<llvm::StringMap<llvm::SmallVector<int64_t>>> shapes =
          boundedInputShapes(*module, options.maxDims);
      if (failed(shapes))
        return 1;
      onnx::ImportOptions bounded = options;
      for (auto &entry : *shapes)
        bounded.inputShapes[entry.getKey()] = entry.getValue();
      OwningOpRef<ModuleOp> planned = onnx::importModelFile(inputFile, context, bounded);
      if (!planned || failed(runPhases(*planned, pipeline, Phase::Import, Phase::Graph, bounding)))
        return 1;
      adoptKvCaches(*module, *planned);
      cutWeights(*planned, bounding);
      if (failed(runPhases(*planned, pipeline, Phase::Graph, Phase::Fusion, bounding)))
        return 1;
      adoptTierPlan(*planned, *module);
      pipeline.plan.tiers->planned = true;
    }
  }
  if (!reportOption.empty()) {
    if (failed(runPhases(*module, pipeline, reached, Phase::Fusion, timing)))
      return 1;
    reached = Phase::Fusion;
    printFusionReport(*module, llvm::errs());
  }
  if (linkProgram)
    return failed(emitProgram(*module, pipeline, reached, inputFile, outputFile, timing));

  if (failed(runPhases(*module, pipeline, std::min(phase, reached), phase, timing)))
    return 1;
  TimingScope printing = timing.nest("output");

  OpPrintingFlags flags;
  if (printLocations)
    flags.enableDebugInfo(true, /*prettyForm=*/false);
  if (llvm::Error e = writeOutputFile(outputFile, [&](llvm::raw_ostream &os) {
        if (printResources)
          module->print(os, flags);
        else
          printWithoutBlobs(*module, flags, os);
      }))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

} // namespace strata
