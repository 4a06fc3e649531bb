"""Compiles every exported test model for the CPU twice, with the shapes of its
saved inputs fixed (`--shape`) and with its symbolic dimensions left dynamic,
runs each executable and compares every output with onnxruntime's on the same
inputs (fp32: 1e-4 relative, with a 1e-5 absolute floor for values near zero).
Prints one line per model and variant and `N passed, N failed`; exits 1 on any
failure.

  python test/models/check_models.py --stratac build/bin/stratac [--models DIR]
"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

RTOL, ATOL = 1e-4, 1e-5


def reference_set(model_path):
    """The .npz of saved inputs that belongs to a model file: gpt2_kv_ts17.onnx
    reads gpt2_kv.npz."""
    stem = os.path.basename(model_path).rsplit("_", 1)[0]
    path = os.path.join(os.path.dirname(model_path), stem + ".npz")
    data = np.load(path)
    return {k.split("/", 1)[1]: data[k] for k in data.keys() if k.startswith("inputs/")}


def check(stratac, model_path, work, static):
    inputs = reference_set(model_path)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    expected = dict(zip(names, session.run(None, inputs)))
    exe = os.path.join(work, "model")
    compile_args = [stratac, "compile", model_path, "-o", exe]
    for name, value in inputs.items():
        if static:
            compile_args += ["--shape", f"{name}={'x'.join(map(str, value.shape))}"]
    result = subprocess.run(compile_args, capture_output=True, text=True)
    if result.returncode:
        return "compile failed: " + result.stderr.strip()[:300]
    run_args = [exe]
    for name, value in inputs.items():
        path = os.path.join(work, name + ".npy")
        np.save(path, value)
        run_args += ["--input", f"{name}={path}"]
    for name in names:
        run_args += ["--output", f"{name}={os.path.join(work, 'out_' + name + '.npy')}"]
    result = subprocess.run(run_args, capture_output=True, text=True)
    if result.returncode:
        return "run failed: " + result.stderr.strip()[:300]
    worst = 0.0
    for name in names:
        got = np.load(os.path.join(work, "out_" + name + ".npy"))
        want = expected[name]
        if got.shape != want.shape:
            return f"output {name}: shape {got.shape}, onnxruntime {want.shape}"
        if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
            err = np.max(np.abs(got - want) / (np.abs(want) + ATOL))
            return f"output {name}: relative error {err:.3g} exceeds {RTOL}"
        worst = max(worst, float(np.max(np.abs(got - want))))
    return f"ok (max abs error {worst:.2g})"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--models", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    passed = failed = 0
    for model_path in sorted(glob.glob(os.path.join(args.models, "*", "*.onnx"))):
        for static in (True, False):
            with tempfile.TemporaryDirectory() as work:
                status = check(args.stratac, model_path, work, static)
            ok = status.startswith("ok")
            passed, failed = passed + ok, failed + (not ok)
            variant = "static" if static else "dynamic"
            print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                  f"({variant}): {status}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
