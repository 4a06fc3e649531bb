//===- Training.h - The training loop of a training program -----*- C++ -*-===//
//
// `--train` for a program stratac compiled with --train (strata/model.h,
// strata_training): each run of the compiled step reads a batch, computes the
// loss and its gradients and updates the weights and the optimizer's state
// in the weights file's mapped data region. The loop fills the batch
// (TrainingData.h), the learning rate of its schedule and the step number,
// prints the loss of every step, and writes checkpoints: the whole data
// region as a weights file of the program's layout (strata_weights_save),
// which `--resume` maps as the program's weights.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_CORE_TRAINING_H
#define STRATA_RUNTIME_CORE_TRAINING_H

#include "runtime/core/Executor.h"
#include "runtime/core/Report.h"
#include "runtime/core/TrainingData.h"

#include <string>

namespace strata {

struct TrainingOptions {
  /// The step to stop after (steps count from 1 across resumed runs).
  long steps = 0;
  /// The peak learning rate; linear warmup from lr / warmup over the first
  /// `warmup` steps, then a cosine decay down to `minLr` at step `steps`
  /// (none when `minLr` equals `lr`).
  double lr = 1e-3, minLr = 1e-3;
  long warmup = 0;
  /// Where checkpoints go (empty: none), and every how many steps (0: only
  /// after the last).
  std::string checkpointDir;
  long every = 0;
};

/// The learning rate of step `step` under `options`' schedule.
double learningRate(const TrainingOptions &options, long step);

/// The checkpoint of step `step` in `dir`: "DIR/step-00000012.weights".
std::string checkpointPath(const std::string &dir, long step);

/// Finds the newest complete checkpoint in `dir`: sets `path` and `step`.
/// Fails, naming `dir`, when it cannot be read or holds none.
std::string findCheckpoint(const std::string &dir, std::string &path, long &step);

/// Writes a copy of `inferencePath`, the weights file of an inference
/// program compiled from the same model, to `outPath` with each tensor that
/// `trained` (the weights of the training program `training`) holds under
/// the same name and size replaced by the trained one: the inference program then runs the
/// trained model. Fails, naming the files, when a shared name differs in
/// size, no tensor is shared, or a trained weight is not in the inference
/// file (its program holds it in its code: stratac --swappable-weights
/// keeps every one in the file). `note` says what was written.
std::string exportWeights(const strata_training &training, const strata_weights *trained,
                          const std::string &inferencePath, const std::string &outPath,
                          std::string &note);

/// Runs steps `first` to `options.steps` of `model` on `executor`, whose
/// weights are `weights`, reading `data`. Returns an error message or "".
/// `times` receives the first step's time and the mean of the others.
std::string train(const strata_model &model, Executor &executor, strata_weights *weights,
                  TrainingData &data, const TrainingOptions &options, long first, RunTimes &times);

} // namespace strata

#endif // STRATA_RUNTIME_CORE_TRAINING_H
