"""The NVMe tier at size: a generated model of LAYERS x (MatMul with a WIDTH x WIDTH
f32 weight, ReLU), 4 GiB of weights by default (seeded random, written as ONNX
external data, never committed), compiled with a device budget of 1 GiB and a host
budget that holds only the NVMe staging slots, so that most weights stream from the
weights file on disk every step. Prints the tier plan's split, the program's time
per step (its own --bench loop; one step is one token of a decoder), the NVMe read
bandwidth it achieved (the bytes the report counts read from NVMe per step over the
time per step), the raw bandwidth of the same disk measured in the same run by
`dd iflag=direct` over the weights file (one request at a time) and by the
program's `--probe` (as many requests in flight as the reader), and tokens/s next
to its bound (dd's bandwidth over the NVMe bytes per token). A shared virtual
disk's speed moves by half from one minute to the next, so the program and dd
run in turn, `--pairs` times, and each pair's ratio is printed with their
median. Prints figures; asserts nothing.

  .venv/bin/python test/bench/tiers.py --stratac build/bin/stratac [--layers 64]
      [--width 4096] [--rows 1] [--gpu-mem 1GiB] [--host-mem 160MiB] [--pairs 5]
      [--work DIR]
"""
import argparse
import os
import re
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def generate(path, layers, width, rows):
    """Writes the model to PATH with its weights in PATH.data."""
    rng = np.random.default_rng(7)
    nodes, weights = [], []
    current = "x"
    for layer in range(layers):
        name = f"layers.{layer}.weight"
        w = (rng.standard_normal((width, width), dtype=np.float32) / np.sqrt(width)).astype(
            np.float32)
        weights.append(numpy_helper.from_array(w, name))
        nodes.append(helper.make_node("MatMul", [current, name], [f"h{layer}"]))
        nodes.append(helper.make_node("Relu", [f"h{layer}"], [f"a{layer}"]))
        current = f"a{layer}"
    nodes.append(helper.make_node("Identity", [current], ["y"]))
    graph = helper.make_graph(nodes, "stack",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [rows, width])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [rows, width])],
                              weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
              location=os.path.basename(path) + ".data")


def raw_bandwidth(path):
    """Bytes per second `dd iflag=direct` reads PATH at."""
    out = subprocess.run(["dd", f"if={path}", "of=/dev/null", "bs=8M", "iflag=direct"],
                         capture_output=True, text=True, check=True).stderr
    m = re.search(r"(\d+) bytes .* copied, ([0-9.]+) s", out)
    return int(m.group(1)) / float(m.group(2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--layers", type=int, default=64)
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--rows", type=int, default=1,
                        help="rows of the input: a decoder's tokens per step; more rows give "
                             "the copies compute to hide behind")
    parser.add_argument("--gpu-mem", default="1GiB")
    parser.add_argument("--host-mem", default="160MiB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pairs", type=int, default=5,
                        help="runs of the program and dd in turn, for the ratios")
    parser.add_argument("--work")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="strata-tiers-")
    os.makedirs(work, exist_ok=True)
    model = os.path.join(work, f"stack{args.layers}x{args.width}r{args.rows}.onnx")
    if not os.path.exists(model):
        generate(model, args.layers, args.width, args.rows)
    program = os.path.join(work, "stack")
    subprocess.run([args.stratac, "compile", model, f"--gpu-mem={args.gpu_mem}",
                    f"--host-mem={args.host_mem}", "-o", program], check=True)
    plan = subprocess.run([args.stratac, "compile", model, f"--gpu-mem={args.gpu_mem}",
                           f"--host-mem={args.host_mem}", "--compile-to=fusion"],
                          capture_output=True, text=True, check=True).stdout
    homes = {home: len(re.findall(f"home = {home}", plan)) for home in ("gpu", "host", "nvme")}
    x = os.path.join(work, "x.npy")
    np.save(x, np.random.default_rng(1).standard_normal((args.rows, args.width)).astype(
        np.float32))
    out = subprocess.run([program, "--input", f"x={x}", "--report", "--bench", str(args.runs)],
                         capture_output=True, text=True, check=True).stdout
    per_run = float(re.search(r"([0-9.]+) ms per run", out).group(1)) / 1e3
    nvme = int(re.search(r"read from NVMe per run: \d+ bytes predicted, (\d+) measured",
                         out).group(1))
    predicted = float(re.search(r"step time ([0-9.]+) ms predicted", out).group(1)) / 1e3
    raw = raw_bandwidth(program + ".weights")
    rates = os.path.join(work, "rates")
    subprocess.run([program, "--probe", rates, "--probe-size", "1GiB"], capture_output=True,
                   check=True)
    probed = float(re.search(r"nvme_read_bytes_per_second = ([0-9.e+]+)",
                             open(rates).read()).group(1))
    weights = os.path.getsize(program + ".weights")
    print(f"model: {args.layers} layers of {args.width}x{args.width} f32 on {args.rows} rows, "
          f"{weights / 2**30:.2f} GiB of weights; budgets: device {args.gpu_mem}, "
          f"host {args.host_mem}")
    print(f"plan: {homes['gpu']} weights resident, {homes['host']} from host, "
          f"{homes['nvme']} from NVMe ({nvme / 2**30:.2f} GiB read per step)")
    print(f"step: {per_run * 1e3:.1f} ms measured, {predicted * 1e3:.1f} ms predicted")
    overlap = re.search(r"overlap: ([0-9.]+) of the copy time hidden behind compute predicted, "
                        r"([0-9.]+) measured", out)
    copies = re.search(r"copies per run ([0-9.]+) ms predicted, ([0-9.]+) measured; the compute "
                       r"waited for them ([0-9.]+) ms predicted, ([0-9.]+) measured", out)
    print(f"copies: {float(copies.group(2)):.1f} ms per step measured, "
          f"{float(copies.group(1)):.1f} predicted; the compute waited "
          f"{float(copies.group(4)):.1f} ms measured, {float(copies.group(3)):.1f} predicted; "
          f"overlap {overlap.group(2)} measured, {overlap.group(1)} predicted")
    achieved = nvme / per_run
    print(f"NVMe read: {achieved / 1e9:.2f} GB/s achieved, {raw / 1e9:.2f} GB/s raw (dd "
          f"iflag=direct, one request at a time, same run): {achieved / raw:.2f}x; "
          f"{probed / 1e9:.2f} GB/s by --probe (sixteen requests in flight, 1 GiB): "
          f"{achieved / probed:.2f}x")
    bound = raw / nvme
    print(f"tokens/s: {1 / per_run:.2f}, bound {bound:.2f} (raw bandwidth / NVMe bytes per "
          f"token): {1 / per_run / bound:.2f}x")
    # The program's step (the mean of its --bench runs after the first) and
    # dd's read of the weights file, in turn: the ratio of achieved to raw
    # bandwidth is also the ratio of tokens/s to the bound.
    ratios = []
    for pair in range(args.pairs):
        out = subprocess.run([program, "--input", f"x={x}", "--bench", str(args.runs)],
                             capture_output=True, text=True, check=True).stdout
        step = float(re.search(r"([0-9.]+) ms per run", out).group(1)) / 1e3
        raw = raw_bandwidth(program + ".weights")
        ratios.append(nvme / step / raw)
        print(f"pair {pair + 1}: {nvme / step / 1e9:.2f} GB/s achieved, {raw / 1e9:.2f} GB/s "
              f"by dd: {ratios[-1]:.2f}x")
    if ratios:
        print(f"achieved / raw bandwidth (= tokens/s / bound), median of {len(ratios)} pairs: "
              f"{float(np.median(ratios)):.2f}x (from {min(ratios):.2f}x to {max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
