"""Throughput of compiled test models against onnxruntime on the same inputs and
the same number of threads: the BERT-style and GPT-style exports of test/models
at batch 1, sequence 128 (by default). Strata's time per run comes from the
program's own `--bench` loop, onnxruntime's from the same number of
`session.run` calls after a warm-up; the peak resident memory of the Strata
program's benchmark run is printed too. Prints figures; asserts nothing.

  python cpu_vs_ort.py --stratac build/bin/stratac [--threads 1] [--runs 300]
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = [
    ("BERT-style", "test/models/bert/bert_ts17.onnx"),
    ("GPT-style", "test/models/gpt2/gpt2_nokv_ts17.onnx"),
]


def make_inputs(session, batch, seq):
    rng = np.random.default_rng(0)
    feeds = {}
    for i in session.get_inputs():
        if i.name == "input_ids":
            feeds[i.name] = rng.integers(0, 100, (batch, seq), dtype=np.int64)
        elif i.name == "token_type_ids":
            feeds[i.name] = np.zeros((batch, seq), np.int64)
        else:
            feeds[i.name] = np.ones((batch, seq), np.int64)
    return feeds


def time_ort(path, feeds, threads, runs):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    for _ in range(10):
        session.run(None, feeds)
    start = time.perf_counter()
    for _ in range(runs):
        session.run(None, feeds)
    return (time.perf_counter() - start) / runs * 1e3


def time_strata(stratac, path, feeds, threads, runs, work):
    exe = os.path.join(work, "model")
    shapes = [f"--shape={name}={'x'.join(map(str, v.shape))}" for name, v in feeds.items()]
    start = time.perf_counter()
    subprocess.run([stratac, "compile", path, "-o", exe, *shapes], check=True)
    compile_s = time.perf_counter() - start
    args = [exe, "--bench", str(runs), "--threads", str(threads)]
    for name, value in feeds.items():
        np.save(os.path.join(work, name + ".npy"), value)
        args += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
    program = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    out = program.stdout.read()
    _, status, usage = os.wait4(program.pid, 0)
    if status != 0:
        raise RuntimeError(f"{exe} failed with status {status}")
    # ru_maxrss is in KiB on Linux.
    return float(re.search(r"([0-9.]+) ms per run", out).group(1)), compile_s, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", default=os.path.join(ROOT, "build/bin/stratac"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--seq", type=int, default=128)
    args = parser.parse_args()
    print(f"batch {args.batch}, sequence {args.seq}, {args.threads} thread(s), "
          f"{args.runs} runs each; onnxruntime {ort.__version__}")
    print(f"{'model':<11} {'strata ms':>10} {'ort ms':>8} {'strata seq/s':>13} "
          f"{'ort seq/s':>10} {'strata/ort':>11} {'strata peak RSS':>16}")
    for label, rel in MODELS:
        path = os.path.join(ROOT, rel)
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        feeds = make_inputs(session, args.batch, args.seq)
        with tempfile.TemporaryDirectory() as work:
            strata_ms, _, rss_mib = time_strata(args.stratac, path, feeds, args.threads,
                                                args.runs, work)
        ort_ms = time_ort(path, feeds, args.threads, args.runs)
        print(f"{label:<11} {strata_ms:>10.3f} {ort_ms:>8.3f} {1e3 / strata_ms:>13.1f} "
              f"{1e3 / ort_ms:>10.1f} {ort_ms / strata_ms:>10.2f}x {rss_mib:>12.1f} MiB")


if __name__ == "__main__":
    main()
