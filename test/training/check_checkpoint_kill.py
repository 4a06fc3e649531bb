"""Kills a training program with SIGKILL while it writes a checkpoint, resumes
it from the newest complete checkpoint, and checks that the resumed run's
final checkpoint (weights and optimizer state) equals an uninterrupted run's
byte for byte.

  python check_checkpoint_kill.py --program PROGRAM --data TOKENS.bin \\
      --steps N --work DIR

PROGRAM is a `stratac compile --train` program of a token model. The
interrupted run checkpoints after every step; the kill comes as soon as a
temporary checkpoint file appears (the write is under way), tried again
until one kill lands inside a write. Prints what happened and "resumed run
identical".
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import time


def train(args, directory, *extra):
    return [args.program, "--train", "--data", args.data, "--steps", str(args.steps),
            "--lr", "3e-3", "--warmup", "3", "--min-lr", "3e-4", "--checkpoint", directory,
            *extra]


def kill_during_write(args, directory):
    """Runs with a checkpoint per step, SIGKILLed while one is written;
    returns the temporary file the kill left, or None when the kill landed
    after the write had ended (the listing and the kill are not one step: on
    a loaded machine the write may finish between them) or the run ended
    first."""
    shutil.rmtree(directory, ignore_errors=True)
    process = subprocess.Popen(train(args, directory, "--every", "1"), stdout=subprocess.DEVNULL)
    while process.poll() is None:
        names = os.listdir(directory) if os.path.isdir(directory) else []
        # Not the first step's: a complete checkpoint must exist to resume.
        if any(".tmp." in n for n in names) and any(n.endswith(".weights") for n in names):
            process.send_signal(signal.SIGKILL)
            process.wait()
            left = [n for n in os.listdir(directory) if ".tmp." in n]
            return left[0] if left else None
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--program", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    whole = os.path.join(args.work, "uninterrupted")
    subprocess.run(train(args, whole), check=True, stdout=subprocess.DEVNULL)
    final = f"step-{args.steps:08d}.weights"

    interrupted = os.path.join(args.work, "interrupted")
    for attempt in range(20):
        left = kill_during_write(args, interrupted)
        if left:
            break
    else:
        sys.exit("no kill landed inside a checkpoint write in 20 runs")
    complete = sorted(n for n in os.listdir(interrupted) if n.endswith(".weights"))
    if not complete:
        sys.exit("no complete checkpoint was left beside the killed write")
    print(f"killed while writing a checkpoint (attempt {attempt + 1}): left {left.split('.tmp.')[0]}"
          f".tmp.*, newest complete checkpoint {complete[-1]}")
    resumed = subprocess.run(train(args, interrupted, "--resume", interrupted), check=True,
                             capture_output=True, text=True)
    print(resumed.stdout.splitlines()[0])
    leftovers = [n for n in os.listdir(interrupted) if ".tmp." in n]
    if leftovers:
        sys.exit(f"temporary files left after the resumed run: {leftovers}")
    a = open(os.path.join(whole, final), "rb").read()
    b = open(os.path.join(interrupted, final), "rb").read()
    if a != b:
        sys.exit(f"resumed run differs from the uninterrupted one ({len(a)} and {len(b)} bytes)")
    print(f"resumed run identical: {final}, {len(a)} bytes")


if __name__ == "__main__":
    main()
