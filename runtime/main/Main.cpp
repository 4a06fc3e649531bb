//===- Main.cpp - The main of every program stratac emits -----------------===//
//
//   model --input NAME=FILE.npy ... [--output NAME=FILE.npy ...] [--bench N]
//         [--report] [--trace FILE.json] [--weights FILE] [--threads N] [--gpu-mem SIZE]
//         [--nvme-dir DIR]
//   model --generate N (--input input_ids=IDS.npy [--input attention_mask=M.npy]
//         | --prompt TEXT) [--output tokens=FILE.npy]
//   model --train --data FILE --steps N [--lr LR] [--min-lr LR] [--warmup N]
//         [--checkpoint DIR [--every K]] [--resume DIR]     (training programs)
//
// Without --output, prints each output's name, shape and first values.
// Sequences are .npz files (see PassThrough.h). The device is the one the
// model was compiled for: the generated part names its factory.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/AvailableCores.h"
#include "runtime/core/ByteSize.h"
#include "runtime/core/Executor.h"
#include "runtime/core/File.h"
#include "runtime/core/Generate.h"
#include "runtime/core/InputDefaults.h"
#include "runtime/core/OnnxExport.h"
#include "runtime/core/PassThrough.h"
#include "runtime/core/Report.h"
#include "runtime/core/ResidentMemory.h"
#include "runtime/core/TemporaryFile.h"
#include "runtime/core/Training.h"
#include "runtime/tiers/NvmeReader.h"
#include "runtime/tiers/Probe.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

using namespace strata;

namespace {

/// "f32, rank 2", with the kind for sequences and optionals.
std::string describeType(const strata_model_value &v) {
  std::string element = strata_dtype_name(v.dtype);
  element += v.rank < 0 ? ", any rank" : ", rank " + std::to_string(v.rank);
  switch (v.kind) {
  case STRATA_VALUE_SEQUENCE:
    return "sequence of " + element;
  case STRATA_VALUE_OPTIONAL_TENSOR:
    return "optional " + element;
  case STRATA_VALUE_OPTIONAL_SEQUENCE:
    return "optional sequence of " + element;
  default:
    return element;
  }
}

/// Whether the model's logits (the output `logits`, else the first) have 256
/// entries: its tokens are bytes, and prompts may be text.
bool isByteLevel(const strata_model &m) {
  int logits = findValue(m.outputs, m.num_outputs, "logits");
  if (logits < 0)
    logits = 0;
  const strata_model_value &v = m.outputs[logits];
  return m.num_outputs > 0 && v.kind == STRATA_VALUE_TENSOR && v.rank == 3 && v.dims[2] == 256;
}

void usage(const char *program) {
  const strata_model &m = strata_compiled_model;
  std::printf("usage: %s --input NAME=FILE.npy ... [options]\n\n"
              "Runs the compiled model '%s'.\n\n"
              "options:\n"
              "  --input NAME=FILE.npy   an input tensor (every input is required, except\n"
              "                          optionals and inputs with a default); a sequence\n"
              "                          is a .npz file as numpy.savez(FILE, *tensors)\n"
              "                          writes it\n"
              "  --output NAME=FILE.npy  write an output (default: print a summary);\n"
              "                          .npz for a sequence, none for an empty optional\n"
              "  --bench N               run N more times and print the time per run\n"
              "  --generate N            greedy decoding of N tokens after each prompt row\n"
              "                          of input_ids (int32/int64 [batch, n]; models with\n"
              "                          a KV cache); attention_mask, if given, marks\n"
              "                          padding (0) on either side of a row's tokens;\n"
              "                          prints each row, as text for a byte-level\n"
              "                          (256-token) model (other bytes as \\xNN);\n"
              "                          --output tokens=FILE.npy writes prompt + tokens\n"
              "  --prompt TEXT           with --generate, a byte-level model's prompt as\n"
              "                          text instead of input_ids\n"
              "  --probe FILE            measure the rates the tier plan predicts with\n"
              "                          (reading a scratch file beside the weights file\n"
              "                          with O_DIRECT, host-device copies) and write them\n"
              "                          to FILE for stratac --bandwidths; runs no model\n"
              "  --probe-size SIZE       the scratch file's size for --probe (default\n"
              "                          256MiB; copies use at most 64MiB)\n"
              "  --report                print the time of the first run, each arena's\n"
              "                          size and liveness lower bound, and the\n"
              "                          compiled code's fallback allocations\n"
              "  --gpu-mem SIZE          the most device memory the program's arenas may\n"
              "                          take (KiB, MiB, GiB or TiB suffix; default: all\n"
              "                          the device has); more is an error at load\n"
              "  --nvme-dir DIR          keep the weights the tier plan puts on NVMe in an\n"
              "                          unnamed file in DIR (on a fast disk), written as\n"
              "                          the first run reads them from the weights file\n"
              "                          (default: stratac's --nvme-dir; none: read them\n"
              "                          from the weights file every run)\n"
              "  --threads N             threads for matrix products (default: the cores\n"
              "                          this process may run on)\n"
              "  --trace FILE.json       write a Chrome/Perfetto trace of the runs\n"
              "  --weights FILE          the packed weights (default: %s next to the\n"
              "                          program)\n"
              "  --help                  this text\n",
              program, m.name, m.weights_file);
  if (const strata_training *t = m.training)
    std::printf("\nThis is a training program (loss %s, optimizer %s):\n"
                "  --train                 run the training loop: each step reads a batch,\n"
                "                          updates the weights and prints the loss\n"
                "  --data FILE             token ids: a flat .bin of uint16 or uint32\n"
                "                          (nanoGPT) or a 1-D .npy, read window after\n"
                "                          window; or a .npz of batches, one array per\n"
                "                          input but lr and step, batches along axis 0\n"
                "  --data-dtype TYPE       a .bin's ids: uint16 (default) or uint32\n"
                "  --steps N               train until step N (counted across resumes)\n"
                "  --batch B               check that the compiled batch is B\n"
                "  --lr LR                 the peak learning rate (default 1e-3)\n"
                "  --warmup N              linear warmup over the first N steps (default 0)\n"
                "  --min-lr LR             cosine decay to LR at the last step (default:\n"
                "                          --lr, a constant rate after the warmup)\n"
                "  --checkpoint DIR        write DIR/step-N.weights after the last step\n"
                "  --every K               and after every K-th step\n"
                "  --resume DIR            start from DIR's newest checkpoint; give the\n"
                "                          options of the first run for identical steps\n"
                "  --export-weights OUT    after the last step, write the trained weights\n"
                "                          as OUT, a copy of --inference-weights FILE (the\n"
                "                          weights file of an inference program compiled\n"
                "                          from the same model) that program accepts\n"
                "  --export-onnx OUT.onnx  after the last step, write the ONNX model this\n"
                "                          program was compiled from with the trained\n"
                "                          weights as its initializers\n"
                "  --external-data         with --export-onnx, put them in OUT.onnx.data\n"
                "                          (always, for a model over protobuf's 2 GiB)\n",
                t->loss, t->optimizer);
  std::printf("  (this model's prompts for --generate: %s)\n\ninputs:\n",
              isByteLevel(m) ? "text with --prompt, or byte ids in input_ids"
                             : "token ids in input_ids; --prompt does not apply");
  for (int32_t i = 0; i < m.num_inputs; ++i) {
    const strata_model_value &v = m.inputs[i];
    std::printf("  %s (%s)%s", v.name, describeType(v).c_str(),
                v.type_only ? ", not read: only its dtype matters" : "");
    if (v.default_dims)
      std::printf(", optional: default of shape %s in the weights file",
                  shapeText(v.rank, v.default_dims).c_str());
    std::printf("\n");
  }
  std::printf("outputs:\n");
  for (int32_t i = 0; i < m.num_outputs; ++i) {
    const strata_model_value &v = m.outputs[i];
    std::printf("  %s (%s)", v.name, describeType(v).c_str());
    if (v.source >= 0)
      std::printf(", input %s passed on", m.inputs[v.source].name);
    std::printf("\n");
  }
}

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

/// A key equal for two paths of the same file: the resolved path of the
/// file, or of its directory followed by its name while it does not exist.
std::string sameFileKey(const std::string &path) {
  auto resolve = [](const std::string &p) -> std::string {
    std::unique_ptr<char, decltype(&std::free)> real(::realpath(p.c_str(), nullptr), &std::free);
    return real ? real.get() : "";
  };
  if (std::string file = resolve(path); !file.empty())
    return file;
  size_t slash = path.rfind('/');
  std::string directory = resolve(slash == std::string::npos ? "." : path.substr(0, slash));
  return directory.empty()
             ? path
             : directory + "/" + (slash == std::string::npos ? path : path.substr(slash + 1));
}

/// `weights_file` in the directory of the running program.
std::string defaultWeightsPath(const char *argv0) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string program = n > 0 ? std::string(self, n) : std::string(argv0);
  size_t slash = program.rfind('/');
  std::string dir = slash == std::string::npos ? "." : program.substr(0, slash);
  return dir + "/" + strata_compiled_model.weights_file;
}

/// Splits `NAME=FILE`.
bool splitAssignment(const char *text, std::string &name, std::string &file) {
  const char *eq = std::strchr(text, '=');
  if (!eq || eq == text || !eq[1])
    return false;
  name.assign(text, eq);
  file.assign(eq + 1);
  return true;
}

void printSummary(const std::string &name, strata_tensor *t) {
  std::printf("%s: %s [", name.c_str(), strata_dtype_name(strata_tensor_dtype(t)));
  for (int32_t i = 0; i < strata_tensor_rank(t); ++i)
    std::printf("%s%lld", i ? "x" : "", static_cast<long long>(strata_tensor_dims(t)[i]));
  std::printf("]");
  int64_t n = strata_tensor_num_elements(t);
  const void *data = strata_tensor_data(t);
  for (int64_t i = 0; i < n && i < 8; ++i) {
    switch (strata_tensor_dtype(t)) {
    case STRATA_DTYPE_F32:
      std::printf(" %g", static_cast<const float *>(data)[i]);
      break;
    case STRATA_DTYPE_F64:
      std::printf(" %g", static_cast<const double *>(data)[i]);
      break;
    case STRATA_DTYPE_I64:
      std::printf(" %lld", static_cast<long long>(static_cast<const int64_t *>(data)[i]));
      break;
    case STRATA_DTYPE_I32:
      std::printf(" %d", static_cast<const int32_t *>(data)[i]);
      break;
    default:
      break;
    }
  }
  std::printf("%s\n", n > 8 ? " ..." : "");
}

/// Prints output `index`: a computed tensor, or the value of the input it
/// passes on, one line per tensor.
void printOutput(const strata_model &model, int32_t index, strata_tensor *computed,
                 const std::vector<ListValue> &lists) {
  const strata_model_value &v = model.outputs[index];
  if (v.source < 0)
    return printSummary(v.name, computed);
  const ListValue &list = lists[v.source];
  if (!list.present) {
    std::printf("%s: empty optional\n", v.name);
    return;
  }
  if (!isSequence(v))
    return printSummary(v.name, list.tensors.front().get());
  std::printf("%s: sequence of %zu tensors\n", v.name, list.tensors.size());
  for (size_t i = 0; i < list.tensors.size(); ++i)
    printSummary(std::string(v.name) + "[" + std::to_string(i) + "]", list.tensors[i].get());
}

/// Prints each row of `tokens` on a line, leaving out the prompt's padding
/// (`mask` 0): as text (other bytes as \xNN) for a byte-level model.
void printTokens(const std::vector<std::vector<int64_t>> &tokens, const Prompts &prompts,
                 int64_t vocabulary) {
  for (size_t b = 0; b < tokens.size(); ++b) {
    bool first = true;
    for (size_t i = 0; i < tokens[b].size(); ++i) {
      int64_t t = tokens[b][i];
      if (i < static_cast<size_t>(prompts.length) && prompts.mask[b * prompts.length + i] == 0)
        continue;
      if (vocabulary != 256)
        std::printf("%s%lld", first ? "" : " ", static_cast<long long>(t));
      else if ((t >= 0x20 && t < 0x7f) || t == '\n' || t == '\t')
        std::putchar(static_cast<int>(t));
      else
        std::printf("\\x%02x", static_cast<unsigned>(t));
      first = false;
    }
    std::printf("\n");
  }
  std::fflush(stdout);
}

/// --generate: decodes, prints the tokens and writes them to `tokensPath` if
/// given. A failing step still prints what was generated before it. `inputs`
/// holds the tensors given or defaulted for the inputs the loop does not fill.
int runGenerate(const strata_model &model, Executor &executor, const Prompts &prompts, long steps,
                const std::vector<OwnedTensor> &inputs, const std::string &tokensPath) {
  std::vector<std::vector<int64_t>> tokens;
  int64_t vocabulary = 0;
  std::vector<strata_tensor *> fixed;
  for (const OwnedTensor &t : inputs)
    fixed.push_back(t.get());
  auto start = std::chrono::steady_clock::now();
  std::string error = generateGreedy(model, executor, prompts, steps, fixed, tokens, vocabulary);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!error.empty()) {
    if (vocabulary > 0)
      printTokens(tokens, prompts, vocabulary);
    return fail(error);
  }
  printTokens(tokens, prompts, vocabulary);
  std::fprintf(stderr, "generated %ld tokens in %.1f ms (%.2f ms per token)\n", steps, ms,
               ms / steps);
  if (tokensPath.empty())
    return 0;
  strata_tensor *t = nullptr;
  int64_t dims[2] = {prompts.batch, static_cast<int64_t>(tokens.front().size())};
  if (strata_status s = strata_tensor_create(STRATA_DTYPE_I64, 2, dims, &t))
    return fail(takeMessage(s));
  OwnedTensor owned(t);
  auto *data = static_cast<int64_t *>(strata_tensor_data(t));
  for (const std::vector<int64_t> &row : tokens)
    data = std::copy(row.begin(), row.end(), data);
  if (strata_status s = strata_npy_save(tokensPath.c_str(), t))
    return fail(takeMessage(s));
  return 0;
}

/// `text` as a `[1, bytes]` int64 tensor of its bytes.
std::string textPrompt(const std::string &text, OwnedTensor &out) {
  strata_tensor *t = nullptr;
  int64_t dims[2] = {1, static_cast<int64_t>(text.size())};
  if (strata_status s = strata_tensor_create(STRATA_DTYPE_I64, 2, dims, &t))
    return takeMessage(s);
  out.reset(t);
  auto *data = static_cast<int64_t *>(strata_tensor_data(t));
  for (unsigned char c : text)
    *data++ = c;
  return "";
}

/// Checks the options of --train against `model` and fills in what they
/// imply: the schedule's floor, and with --resume the checkpoint to map
/// (`weightsPath`) and the step to start at.
std::string checkTrainingOptions(const strata_model &model, const std::string &dataPath,
                                 TrainingOptions &training, double minLr, long batch,
                                 bool weightsGiven, const std::string &resumeDir,
                                 std::string &weightsPath, long &firstStep) {
  if (!model.training)
    return "--train needs a training program: this one was compiled for inference "
           "(stratac compile --train --loss=...)";
  if (dataPath.empty() || training.steps < 1)
    return "--train needs --data FILE and --steps N";
  if (training.every > 0 && training.checkpointDir.empty())
    return "--every goes with --checkpoint DIR";
  training.minLr = minLr < 0 ? training.lr : minLr;
  if (training.minLr > training.lr)
    return "--min-lr is above --lr";
  if (batch > 0) {
    int ids = findValue(model.inputs, model.num_inputs, "input_ids");
    const strata_model_value &v = model.inputs[ids >= 0 ? ids : model.training->target_input];
    if (v.rank < 1 || v.dims[0] != batch)
      return "--batch " + std::to_string(batch) + ": the program was compiled for batch " +
             (v.rank < 1 ? std::string("none") : std::to_string(v.dims[0])) +
             " (stratac --shape fixes it)";
  }
  if (resumeDir.empty())
    return "";
  if (weightsGiven)
    return "--resume maps the checkpoint as the weights: leave out --weights";
  long step = 0;
  if (std::string e = findCheckpoint(resumeDir, weightsPath, step); !e.empty())
    return "--resume: " + e;
  firstStep = step + 1;
  if (step >= training.steps)
    std::printf("%s is of step %ld: no step is left before --steps %ld\n", weightsPath.c_str(),
                step, training.steps);
  else
    std::printf("resuming from %s at step %ld\n", weightsPath.c_str(), firstStep);
  return "";
}

/// Measures the tier plan's rates on this machine (tiers/Probe.h), the
/// scratch file beside the weights file, and writes them to `path`.
int probe(const strata_model &model, const std::string &path, uint64_t fileBytes, int32_t threads,
          uint64_t deviceMemory, const std::string &weightsPath) {
  runtime::OutputKind kind;
  if (strata_status s = runtime::checkOutputPath(path.c_str(), kind))
    return fail(takeMessage(s));
  strata_device_options deviceOptions{threads, deviceMemory, nullptr, 0};
  strata_device deviceHandle;
  if (strata_status s = model.create_device(&deviceOptions, &deviceHandle))
    return fail(takeMessage(s));
  std::string dir = weightsPath.substr(0, weightsPath.find_last_of('/') + 1);
  dir = dir.empty() ? "." : dir.substr(0, dir.size() - 1);
  if (dir.empty())
    dir = "/";
  uint64_t copyBytes = std::min<uint64_t>(fileBytes, uint64_t(64) << 20);
  tiers::ProbedRates rates;
  if (strata_status s = tiers::probeRates(*deviceHandle.device, dir, fileBytes, copyBytes, rates))
    return fail("--probe: " + takeMessage(s));
  std::string text = tiers::formatBandwidths(rates, fileBytes, copyBytes);
  runtime::ByteRange range{text.data(), text.size()};
  if (strata_status s = runtime::writeFileAtomically(path.c_str(), &range, 1))
    return fail(takeMessage(s));
  std::printf("%s", text.c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  const strata_model &model = strata_compiled_model;
  if (model.abi_version != STRATA_MODEL_ABI_VERSION)
    return fail("the compiled model uses contract version " + std::to_string(model.abi_version) +
                ", this runtime expects " + std::to_string(STRATA_MODEL_ABI_VERSION));
  // An interrupted write leaves no temporary file behind.
  if (strata_status s = runtime::removeTemporaryFilesOnSignals())
    return fail(takeMessage(s));
  std::vector<OwnedTensor> inputs(model.num_inputs);
  std::vector<ListValue> lists(model.num_inputs);
  std::vector<std::pair<int, std::string>> outputFiles;
  long bench = 0, threads = availableCores(), generate = 0;
  uint64_t deviceMemory = 0;
  std::string probePath;
  uint64_t probeBytes = uint64_t(256) << 20;
  std::string tokensPath, promptText;
  bool havePromptText = false;
  std::vector<std::pair<std::string, std::string>> outputArgs;
  bool report = false;
  std::string tracePath, nvmeDirectory, weightsPath = defaultWeightsPath(argv[0]);
  bool weightsGiven = false, trainLoop = false;
  TrainingOptions training;
  double minLr = -1;
  long batchGiven = 0;
  std::string dataPath, dataType = "uint16", resumeDir, exportPath, inferenceWeights, onnxPath;
  bool externalData = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      if (i + 1 >= argc) {
        fail(std::string(flag) + " needs a value");
        std::exit(1);
      }
      return argv[++i];
    };
    // The size `flag` takes, into `out`; the error quotes it.
    auto byteSize = [&](const char *flag, uint64_t &out) -> std::string {
      const char *text = value(flag);
      if (runtime::parseByteSize(text, out))
        return "";
      return std::string(flag) + "=" + text +
             ": expected a positive number of bytes, optionally followed by KiB, MiB, GiB or TiB";
    };
    std::string name, file;
    if (arg == "--help" || arg == "-h") {
      usage(argv[0]);
      return 0;
    } else if (arg == "--input") {
      if (!splitAssignment(value("--input"), name, file))
        return fail("--input takes NAME=FILE.npy");
      int index = findValue(model.inputs, model.num_inputs, name);
      if (index < 0)
        return fail("the model has no input named '" + name + "' (see --help)");
      if (model.inputs[index].kind != STRATA_VALUE_TENSOR) {
        if (std::string e = loadListValue(model.inputs[index], file, lists[index]); !e.empty())
          return fail(e);
      } else {
        strata_tensor *t = nullptr;
        if (strata_status s = strata_npy_load(file.c_str(), &t))
          return fail(takeMessage(s));
        inputs[index].reset(t);
      }
    } else if (arg == "--output") {
      if (!splitAssignment(value("--output"), name, file))
        return fail("--output takes NAME=FILE.npy");
      outputArgs.push_back({name, file});
    } else if (arg == "--bench") {
      char *end = nullptr;
      bench = std::strtol(value("--bench"), &end, 10);
      if (!end || *end || bench < 1)
        return fail("--bench takes a positive number of runs");
    } else if (arg == "--generate") {
      char *end = nullptr;
      generate = std::strtol(value("--generate"), &end, 10);
      if (!end || *end || generate < 1)
        return fail("--generate takes a positive number of tokens");
    } else if (arg == "--prompt") {
      promptText = value("--prompt");
      havePromptText = true;
    } else if (arg == "--threads") {
      char *end = nullptr;
      threads = std::strtol(value("--threads"), &end, 10);
      if (!end || *end || threads < 1 || threads > 1024)
        return fail("--threads takes a number of threads from 1 to 1024");
    } else if (arg == "--gpu-mem") {
      if (std::string e = byteSize("--gpu-mem", deviceMemory); !e.empty())
        return fail(e);
    } else if (arg == "--nvme-dir") {
      nvmeDirectory = value("--nvme-dir");
      if (nvmeDirectory.empty())
        return fail("--nvme-dir needs a directory");
    } else if (arg == "--probe") {
      probePath = value("--probe");
    } else if (arg == "--probe-size") {
      if (std::string e = byteSize("--probe-size", probeBytes); !e.empty())
        return fail(e);
    } else if (arg == "--report") {
      report = true;
    } else if (arg == "--trace") {
      tracePath = value("--trace");
    } else if (arg == "--weights") {
      weightsPath = value("--weights");
      weightsGiven = true;
    } else if (arg == "--train") {
      trainLoop = true;
    } else if (arg == "--data") {
      dataPath = value("--data");
    } else if (arg == "--data-dtype") {
      dataType = value("--data-dtype");
    } else if (arg == "--steps" || arg == "--warmup" || arg == "--every" || arg == "--batch") {
      char *end = nullptr;
      long n = std::strtol(value(arg.c_str()), &end, 10);
      if (!end || *end || n < (arg == "--steps" || arg == "--batch" ? 1 : 0))
        return fail(arg + " takes a " +
                    (arg == "--steps" || arg == "--batch" ? "positive" : "non-negative") +
                    " number");
      (arg == "--steps"    ? training.steps
       : arg == "--warmup" ? training.warmup
       : arg == "--every"  ? training.every
                           : batchGiven) = n;
    } else if (arg == "--lr" || arg == "--min-lr") {
      char *end = nullptr;
      double rate = std::strtod(value(arg.c_str()), &end);
      if (!end || *end || !(rate >= 0) || rate > 1e6)
        return fail(arg + " takes a non-negative learning rate");
      (arg == "--lr" ? training.lr : minLr) = rate;
    } else if (arg == "--checkpoint") {
      training.checkpointDir = value("--checkpoint");
    } else if (arg == "--resume") {
      resumeDir = value("--resume");
    } else if (arg == "--export-weights") {
      exportPath = value("--export-weights");
    } else if (arg == "--inference-weights") {
      inferenceWeights = value("--inference-weights");
    } else if (arg == "--export-onnx") {
      onnxPath = value("--export-onnx");
    } else if (arg == "--external-data") {
      externalData = true;
    } else {
      return fail("unknown argument '" + arg + "' (see --help)");
    }
  }
  long firstStep = 1;
  if (trainLoop) {
    if (std::string e = checkTrainingOptions(model, dataPath, training, minLr, batchGiven,
                                             weightsGiven, resumeDir, weightsPath, firstStep);
        !e.empty())
      return fail(e);
    if (generate > 0 || bench > 0 || !outputArgs.empty() || !probePath.empty())
      return fail("--train does not combine with --generate, --bench, --output or --probe");
    if (exportPath.empty() != inferenceWeights.empty())
      return fail("--export-weights OUT and --inference-weights FILE go together");
    if (externalData && onnxPath.empty())
      return fail("--external-data goes with --export-onnx");
    std::vector<std::string> exports = {exportPath, onnxPath};
    if (!onnxPath.empty())
      exports.push_back(externalDataPath(onnxPath));
    std::vector<std::string> seen = {sameFileKey(weightsPath)};
    for (const std::string &path : exports) {
      runtime::OutputKind kind;
      if (path.empty())
        continue;
      if (strata_status s = runtime::checkOutputPath(path.c_str(), kind))
        return fail(takeMessage(s));
      std::string key = sameFileKey(path);
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        return fail(
            "'" + path + "' is written twice, or is the weights file the program reads: " +
            "give each of --export-weights, --export-onnx (and its .data) a file of its own");
      seen.push_back(key);
    }
  } else if (!dataPath.empty() || !resumeDir.empty() || training.steps > 0 ||
             !training.checkpointDir.empty() || !exportPath.empty() || !onnxPath.empty() ||
             externalData) {
    return fail("--data, --steps, --checkpoint, --resume, --export-weights, --export-onnx and "
                "--external-data go with --train");
  }
  if (!probePath.empty())
    return probe(model, probePath, probeBytes, static_cast<int32_t>(threads), deviceMemory,
                 weightsPath);
  for (auto &[name, file] : outputArgs) {
    if (generate > 0) {
      if (name != "tokens")
        return fail("with --generate, --output takes only tokens=FILE.npy");
      tokensPath = file;
      continue;
    }
    int index = findValue(model.outputs, model.num_outputs, name);
    if (index < 0)
      return fail("the model has no output named '" + name + "' (see --help)");
    outputFiles.push_back({index, file});
  }
  if (generate > 0 && (bench > 0 || report || !tracePath.empty()))
    return fail("--bench, --report and --trace do not apply to --generate");
  if (havePromptText && generate == 0)
    return fail("--prompt goes with --generate");
  if (havePromptText && !isByteLevel(model))
    return fail("--prompt takes text only for a byte-level model (256 logits); give this "
                "model's prompt as token ids with --input input_ids=IDS.npy");
  // Paths that can never be written are refused before anything runs.
  std::vector<std::string> written = {tracePath, tokensPath};
  for (auto &[index, file] : outputFiles)
    written.push_back(file);
  for (const std::string &path : written) {
    runtime::OutputKind kind;
    if (path.empty())
      continue;
    if (strata_status s = runtime::checkOutputPath(path.c_str(), kind))
      return fail(takeMessage(s));
  }
  const strata_tier_plan *plan = model.tier_plan;
  bool nvmeDirectoryGiven = !nvmeDirectory.empty();
  if (!nvmeDirectoryGiven && plan && plan->nvme_directory)
    nvmeDirectory = plan->nvme_directory;
  // The directory matters only to a program that keeps weights on NVMe.
  bool nvme = !nvmeDirectory.empty() && plan && plan->nvme_bytes > 0;
  if (nvmeDirectoryGiven && !nvme)
    std::fprintf(stderr, "note: --nvme-dir is not used: %s\n",
                 plan ? "the program's tier plan keeps no weights on NVMe"
                      : "the program has no tier plan (stratac --gpu-mem)");
  strata_device_options deviceOptions{
      static_cast<int32_t>(threads), deviceMemory, nvme ? nvmeDirectory.c_str() : nullptr,
      // Each weight starts a block of the directory's file.
      nvme ? plan->nvme_bytes + uint64_t(plan->num_nvme_weights) * tiers::NvmeReader::kBlockBytes
           : 0};
  strata_device deviceHandle;
  if (strata_status s = model.create_device(&deviceOptions, &deviceHandle))
    return fail(takeMessage(s));
  std::unique_ptr<Device> device = std::move(deviceHandle.device);
  strata_weights *mapped = nullptr;
  // The NVMe tier's weights are checked as they are first read, not at open.
  if (strata_status s = strata_weights_open_streamed(
          weightsPath.c_str(), model.weights_id, plan ? plan->nvme_weights : nullptr,
          plan ? static_cast<size_t>(plan->num_nvme_weights) : 0, &mapped))
    return fail(takeMessage(s));
  WeightsPtr weights(mapped);
  std::unique_ptr<Executor> loaded;
  if (std::string e = Executor::load(model, weights.get(), *device, loaded); !e.empty())
    return fail(e);
  Executor &executor = *loaded;
  if (std::string e = fillInputDefaults(model, weights.get(), inputs); !e.empty())
    return fail(e);
  if (trainLoop) {
    if (!onnxPath.empty())
      if (std::string e = checkOnnxExport(*model.training, weights.get(), onnxPath); !e.empty())
        return fail(e);
    std::unique_ptr<TrainingData> data;
    if (std::string e = TrainingData::open(model, dataPath, dataType, data); !e.empty())
      return fail(e);
    RunTimes times;
    if (std::string e = train(model, executor, weights.get(), *data, training, firstStep, times);
        !e.empty())
      return fail(e);
    if (report && times.runs > 0) {
      ResidentMemory now;
      std::fputs(reportText(model, executor, static_cast<int>(threads), times, nullptr).c_str(),
                 stdout);
      std::fputs(trainingMemoryText(model, weights.get()).c_str(), stdout);
      if (readResidentMemory(now))
        std::printf("report: resident memory peak %.1f MiB\n",
                    static_cast<double>(now.peakBytes) / (1024.0 * 1024.0));
    }
    if (!exportPath.empty()) {
      std::string note;
      if (std::string e =
              exportWeights(*model.training, weights.get(), inferenceWeights, exportPath, note);
          !e.empty())
        return fail(e);
      std::printf("%s\n", note.c_str());
    }
    if (!onnxPath.empty()) {
      std::string note;
      if (std::string e = exportOnnx(*model.training, weights.get(), onnxPath, externalData, note);
          !e.empty())
        return fail(e);
      std::printf("%s\n", note.c_str());
    }
    return 0;
  }
  if (generate > 0) {
    int ids = findValue(model.inputs, model.num_inputs, "input_ids");
    int mask = findValue(model.inputs, model.num_inputs, "attention_mask");
    OwnedTensor text;
    if (havePromptText) {
      if (ids >= 0 && inputs[ids])
        return fail("give the prompt either with --prompt or as input_ids, not both");
      if (promptText.empty())
        return fail("--prompt needs at least one character");
      if (std::string e = textPrompt(promptText, text); !e.empty())
        return fail(e);
    } else if (ids < 0 || !inputs[ids]) {
      return fail("--generate needs --input input_ids=IDS.npy" +
                  std::string(isByteLevel(model) ? " or --prompt TEXT" : ""));
    }
    Prompts prompts;
    if (std::string e = readPrompts(text ? text.get() : inputs[ids].get(),
                                    mask >= 0 && !text ? inputs[mask].get() : nullptr, prompts);
        !e.empty())
      return fail(e);
    return runGenerate(model, executor, prompts, generate, inputs, tokensPath);
  }
  std::vector<strata_tensor *> raw;
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    if (model.inputs[i].kind != STRATA_VALUE_TENSOR) {
      if (std::string e = checkListValue(model.inputs[i], lists[i]); !e.empty())
        return fail(e);
    } else if (!inputs[i]) {
      return fail("missing --input " + std::string(model.inputs[i].name) + "=FILE.npy");
    }
    raw.push_back(inputs[i].get());
  }
  std::string error = executor.checkInputs(raw);
  if (!error.empty())
    return fail(error);

  std::vector<OwnedTensor> outputs;
  auto timedRun = [&]() -> double {
    if (!tracePath.empty())
      strata_status_free(strata_trace_begin(model.name, "model"));
    auto start = std::chrono::steady_clock::now();
    error = executor.run(raw, outputs);
    auto end = std::chrono::steady_clock::now();
    if (!tracePath.empty())
      strata_status_free(strata_trace_end());
    return std::chrono::duration<double, std::milli>(end - start).count();
  };
  RunTimes times;
  times.firstMs = timedRun();
  times.runs = 1 + bench;
  if (!error.empty())
    return fail(error);
  ResidentMemory afterFirstRun;
  bool residentKnown = report && readResidentMemory(afterFirstRun);
  if (bench > 0) {
    double total = 0;
    for (long i = 0; i < bench && error.empty(); ++i)
      total += timedRun();
    if (!error.empty())
      return fail(error);
    times.laterMeanMs = total / static_cast<double>(bench);
    std::printf("bench: %ld runs, %.3f ms per run (first run %.3f ms)\n", bench, times.laterMeanMs,
                times.firstMs);
  }
  if (report)
    std::fputs(reportText(model, executor, static_cast<int>(threads), times,
                          residentKnown ? &afterFirstRun : nullptr)
                   .c_str(),
               stdout);
  if (!tracePath.empty())
    if (strata_status s = strata_trace_write(tracePath.c_str()))
      return fail(takeMessage(s));
  for (auto &[index, file] : outputFiles) {
    const strata_model_value &v = model.outputs[index];
    if (v.source < 0) {
      if (strata_status s = strata_npy_save(file.c_str(), outputs[index].get()))
        return fail(takeMessage(s));
      continue;
    }
    bool written = false;
    if (std::string e = saveListValue(v, lists[v.source], file, written); !e.empty())
      return fail(e);
    if (!written)
      std::fprintf(stderr, "note: output '%s' is an empty optional; no file %s\n", v.name,
                   file.c_str());
  }
  if (outputFiles.empty())
    for (int32_t i = 0; i < model.num_outputs; ++i)
      printOutput(model, i, outputs[i].get(), lists);
  return 0;
}
