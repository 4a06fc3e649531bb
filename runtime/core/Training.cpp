//===- Training.cpp - The training loop of a training program -------------===//
//
// A checkpoint is written after its step's run, when the mapped region holds
// that step's weights and state; it replaces the older ones only once it is
// complete (written to a temporary file, synced and renamed), so a process
// killed while writing leaves the previous checkpoint as the newest, and the
// temporary file it was writing, which the next checkpoint written removes.
//
//===----------------------------------------------------------------------===//

#include "runtime/core/Training.h"

#include "runtime/core/File.h"
#include "runtime/core/HalfFloat.h"
#include "runtime/core/TemporaryFile.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {
namespace {

constexpr const char *kPrefix = "step-";
constexpr const char *kSuffix = ".weights";

/// The step of checkpoint file `name`, or -1 for any other name.
long checkpointStep(const std::string &name) {
  size_t prefix = std::strlen(kPrefix), suffix = std::strlen(kSuffix);
  if (name.size() <= prefix + suffix || name.compare(0, prefix, kPrefix) != 0 ||
      name.compare(name.size() - suffix, suffix, kSuffix) != 0)
    return -1;
  std::string digits = name.substr(prefix, name.size() - prefix - suffix);
  if (digits.empty() || digits.size() > 15 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return -1;
  return std::stol(digits);
}

/// The steps of the checkpoints in `dir`, and in `unfinished` those of the
/// temporary files of checkpoints whose writes did not finish.
std::string listCheckpoints(const std::string &dir, std::vector<long> &steps,
                            std::vector<long> *unfinished = nullptr) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    return "checkpoint directory '" + dir + "': " + std::strerror(errno);
  while (dirent *entry = readdir(d)) {
    std::string name = entry->d_name;
    if (long step = checkpointStep(name); step >= 0)
      steps.push_back(step);
    else if (size_t at = name.find(".tmp."); unfinished && at != std::string::npos)
      if (long step = checkpointStep(name.substr(0, at)); step >= 0)
        unfinished->push_back(step);
  }
  closedir(d);
  return "";
}

/// Writes step `step`'s checkpoint to `dir`, then removes the older ones.
std::string saveCheckpoint(const strata_weights *weights, const std::string &dir, long step) {
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    return "cannot create checkpoint directory '" + dir + "': " + std::strerror(errno);
  std::string path = checkpointPath(dir, step);
  if (strata_status s = strata_weights_save(weights, path.c_str()))
    return "checkpoint of step " + std::to_string(step) + ": " + takeMessage(s);
  // The older checkpoints go, and what a killed run left of its writes.
  std::vector<long> steps, unfinished;
  if (std::string e = listCheckpoints(dir, steps, &unfinished); !e.empty())
    return e;
  for (long older : steps)
    if (older != step)
      std::remove(checkpointPath(dir, older).c_str());
  for (long killed : unfinished)
    runtime::removeStaleTemporaries(checkpointPath(dir, killed));
  std::printf("checkpoint: %s\n", path.c_str());
  return "";
}

/// Sets the rank-0 input `t` (of the weights' float type: f16, bf16, f32
/// or f64) to `value`.
void setScalar(strata_tensor *t, double value) {
  setFloatElement(strata_tensor_data(t), strata_tensor_dtype(t), 0, value);
}

double scalarOf(strata_tensor *t) {
  return floatElement(strata_tensor_data(t), strata_tensor_dtype(t), 0);
}

/// Draws, on stderr, a bar of the steps done of `first` .. `last`, the
/// tokens per second since `first` and the time left, after `elapsed`.
void printProgress(long step, long first, long last, int64_t tokensPerStep,
                   std::chrono::steady_clock::duration elapsed) {
  constexpr int kWidth = 30;
  long done = step - first + 1, total = last - first + 1;
  int filled = static_cast<int>(kWidth * done / total);
  double seconds = std::chrono::duration<double>(elapsed).count();
  double perStep = done > 1 ? seconds / static_cast<double>(done - 1) : 0.0;
  std::fprintf(stderr, "[%.*s%*s] %ld/%ld", filled,
               "==============================", kWidth - filled, "", step, last);
  if (tokensPerStep > 0 && perStep > 0)
    std::fprintf(stderr, ", %.0f tokens/s", static_cast<double>(tokensPerStep) / perStep);
  if (perStep > 0)
    std::fprintf(stderr, ", %.0f s left", perStep * static_cast<double>(last - step));
  std::fflush(stderr);
}

} // namespace

double learningRate(const TrainingOptions &o, long step) {
  if (step <= o.warmup)
    return o.lr * static_cast<double>(step) / static_cast<double>(o.warmup);
  if (o.steps <= o.warmup)
    return o.lr;
  double progress = static_cast<double>(step - o.warmup) / static_cast<double>(o.steps - o.warmup);
  return o.minLr + 0.5 * (1.0 + std::cos(M_PI * std::min(progress, 1.0))) * (o.lr - o.minLr);
}

std::string checkpointPath(const std::string &dir, long step) {
  char name[64];
  std::snprintf(name, sizeof name, "%s%08ld%s", kPrefix, step, kSuffix);
  return dir + "/" + name;
}

std::string findCheckpoint(const std::string &dir, std::string &path, long &step) {
  std::vector<long> steps;
  if (std::string e = listCheckpoints(dir, steps); !e.empty())
    return e;
  if (steps.empty())
    return "checkpoint directory '" + dir + "' holds no checkpoint (step-N.weights)";
  step = *std::max_element(steps.begin(), steps.end());
  path = checkpointPath(dir, step);
  return "";
}

std::string exportWeights(const strata_training &training, const strata_weights *trained,
                          const std::string &inferencePath, const std::string &outPath,
                          std::string &note) {
  strata_weights *opened = nullptr;
  if (strata_status s = strata_weights_open_any(inferencePath.c_str(), &opened))
    return takeMessage(s);
  WeightsPtr target(opened);
  size_t copied = 0;
  std::vector<std::string> inTarget;
  for (size_t i = 0; i < strata_weights_count(target.get()); ++i) {
    const char *name = nullptr;
    const void *data = nullptr, *from = nullptr;
    size_t bytes = 0, fromBytes = 0;
    if (strata_status s = strata_weights_tensor(target.get(), i, &name, &data, &bytes))
      return takeMessage(s);
    inTarget.push_back(name);
    strata_status missing = strata_weights_find(trained, name, &from, &fromBytes);
    if (missing) {
      strata_status_free(missing);
      continue;
    }
    if (fromBytes != bytes)
      return "--export-weights: tensor '" + std::string(name) + "' has " + std::to_string(bytes) +
             " bytes in '" + inferencePath + "' and " + std::to_string(fromBytes) +
             " in training: not the same model";
    // The mapping is private: the inference file itself does not change.
    std::memcpy(const_cast<void *>(data), from, bytes);
    ++copied;
  }
  if (copied == 0)
    return "--export-weights: '" + inferencePath +
           "' shares no tensor with the training "
           "program: is it the weights file of an inference program of the same model?";
  size_t unread = 0;
  std::string example;
  for (int32_t i = 0; i < training.num_parameters; ++i)
    if (std::find(inTarget.begin(), inTarget.end(), training.parameters[i]) == inTarget.end()) {
      ++unread;
      example = training.parameters[i];
    }
  if (unread > 0)
    return "--export-weights: " + std::to_string(unread) + " trained tensors (such as '" + example +
           "') are not in '" + inferencePath + "': its program keeps them in its " +
           "code; compile it with stratac --swappable-weights";
  if (strata_status s = strata_weights_save(target.get(), outPath.c_str()))
    return takeMessage(s);
  note = "exported " + std::to_string(copied) + " trained tensors to " + outPath +
         " (the weights of the inference program of " + inferencePath + ")";
  return "";
}

std::string train(const strata_model &model, Executor &executor, strata_weights *weights,
                  TrainingData &data, const TrainingOptions &options, long first, RunTimes &times) {
  times = RunTimes{0, 0, 0};
  double laterMs = 0;
  const strata_training &training = *model.training;
  std::vector<OwnedTensor> inputs(model.num_inputs);
  for (int32_t i : {training.lr_input, training.step_input}) {
    strata_tensor *t = nullptr;
    if (strata_status s = strata_tensor_create(model.inputs[i].dtype, 0, nullptr, &t))
      return takeMessage(s);
    inputs[i].reset(t);
  }
  int lossIndex = findValue(model.outputs, model.num_outputs, "loss");
  int normIndex = findValue(model.outputs, model.num_outputs, "grad_norm");
  int skippedIndex = findValue(model.outputs, model.num_outputs, "skipped_step");
  // Dynamic loss scaling's scale, which each step updates in the weights.
  const float *scale = nullptr;
  if (skippedIndex >= 0) {
    const void *data = nullptr;
    size_t bytes = 0;
    if (strata_status s = strata_weights_find(weights, "loss_scale", &data, &bytes))
      return takeMessage(s);
    if (bytes == sizeof(float))
      scale = static_cast<const float *>(data);
  }
  std::vector<OwnedTensor> outputs;
  std::vector<strata_tensor *> raw(model.num_inputs);
  // On a terminal, a progress bar under the loss lines (on stderr).
  bool terminal = isatty(STDERR_FILENO) && isatty(STDOUT_FILENO);
  auto began = std::chrono::steady_clock::now();
  for (long step = first; step <= options.steps; ++step) {
    if (std::string e = data.fill(step, inputs); !e.empty())
      return e;
    double lr = learningRate(options, step);
    setScalar(inputs[training.lr_input].get(), lr);
    setScalar(inputs[training.step_input].get(), static_cast<double>(step));
    for (int32_t i = 0; i < model.num_inputs; ++i)
      raw[i] = inputs[i].get();
    if (step == first)
      if (std::string e = executor.checkInputs(raw); !e.empty())
        return e;
    auto start = std::chrono::steady_clock::now();
    if (std::string e = executor.run(raw, outputs); !e.empty())
      return "step " + std::to_string(step) + ": " + e;
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    (step == first ? times.firstMs : laterMs) += ms;
    ++times.runs;
    if (times.runs > 1)
      times.laterMeanMs = laterMs / static_cast<double>(times.runs - 1);
    double loss = scalarOf(outputs[lossIndex].get());
    if (terminal)
      std::fputs("\r\033[K", stderr);
    std::printf("step %ld/%ld: loss %.6f, lr %.4g", step, options.steps, loss, lr);
    if (normIndex >= 0)
      std::printf(", grad norm %.4g", scalarOf(outputs[normIndex].get()));
    if (skippedIndex >= 0 && scalarOf(outputs[skippedIndex].get()) != 0)
      std::printf(", skipped: a gradient overflowed");
    if (scale)
      std::printf(", loss scale %.9g", *scale);
    std::printf(", %.1f ms", ms);
    if (data.tokensPerStep() > 0)
      std::printf(", %.0f tokens/s", static_cast<double>(data.tokensPerStep()) * 1000.0 / ms);
    std::printf("\n");
    std::fflush(stdout);
    if (terminal)
      printProgress(step, first, options.steps, data.tokensPerStep(), start - began);
    if (!std::isfinite(loss))
      return "step " + std::to_string(step) + ": the loss is " + std::to_string(loss) +
             "; training stopped (lower --lr, or clip the gradients with --optimizer=...,clip=1)";
    bool last = step == options.steps;
    if (!options.checkpointDir.empty() &&
        (last || (options.every > 0 && step % options.every == 0)))
      if (std::string e = saveCheckpoint(weights, options.checkpointDir, step); !e.empty())
        return e;
  }
  if (terminal)
    std::fputs("\n", stderr);
  return "";
}

} // namespace strata
