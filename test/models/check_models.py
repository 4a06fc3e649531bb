"""Compiles every exported test model three times: with the shapes of its saved
inputs fixed (`--shape`), with its symbolic dimensions left dynamic, and with
them dynamic but bounded (`--max-shape`, twice the saved size); runs each
executable and compares every output with onnxruntime's on the same inputs
(fp32: 1e-4 relative, with a 1e-5 absolute floor for values near zero). The
static and bounded programs must also make no allocation after load: every
buffer is in the memory plan's arena (`--report` counts the compiled code's
fallback allocations).
Models with a KV cache (`*_kv_*`) are also compiled twice more with dynamic
shapes (unbounded, and bounded by the longest sequence) and run with
`--generate`: greedy decoding from the first row of their
saved input_ids must give the same tokens as the same loop on onnxruntime
(empty past first, then one token a step with the present tensors fed back).
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
import onnx
import onnxruntime as ort

RTOL, ATOL = 1e-4, 1e-5


def reference_set(model_path):
    """The .npz of saved inputs that belongs to a model file: gpt2_kv_ts17.onnx
    reads gpt2_kv.npz."""
    stem = os.path.basename(model_path).rsplit("_", 1)[0]
    path = os.path.join(os.path.dirname(model_path), stem + ".npz")
    data = np.load(path)
    return {k.split("/", 1)[1]: data[k] for k in data.keys() if k.startswith("inputs/")}


def dimension_bounds(model_path, inputs, scale=2, least=16):
    """`--max-shape` text bounding each named input dimension by `scale` times
    its size in `inputs` (at least `least`)."""
    graph = onnx.load(model_path, load_external_data=False).graph
    bounds = {}
    for value in graph.input:
        if value.name not in inputs:
            continue
        for dim, size in zip(value.type.tensor_type.shape.dim, inputs[value.name].shape):
            if dim.dim_param:
                bounds[dim.dim_param] = max(bounds.get(dim.dim_param, 0), scale * size, least)
    return ",".join(f"{name}={bound}" for name, bound in bounds.items())


def check(stratac, model_path, work, variant):
    inputs = reference_set(model_path)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    expected = dict(zip(names, session.run(None, inputs)))
    exe = os.path.join(work, "model")
    compile_args = [stratac, "compile", model_path, "-o", exe]
    if variant == "bounded":
        compile_args += ["--max-shape", dimension_bounds(model_path, inputs)]
    for name, value in inputs.items():
        if variant == "static":
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
    if variant != "dynamic":
        run_args += ["--bench", "2", "--report"]
    result = subprocess.run(run_args, capture_output=True, text=True)
    if result.returncode:
        return "run failed: " + result.stderr.strip()[:300]
    if variant != "dynamic" and "report: 0 fallback allocations" not in result.stdout:
        return "the compiled code allocated after load: " + result.stdout.strip()[-300:]
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


GENERATE_STEPS = 12


def ort_greedy(session, prompt, steps):
    """Greedy decoding on onnxruntime with the KV cache, as `--generate` does it."""
    inputs = session.get_inputs()
    names = [o.name for o in session.get_outputs()]
    past = {}
    for i in inputs:
        if i.name.startswith("past_key_values."):
            shape = [1 if not isinstance(d, int) else d for d in i.shape]
            shape[-2] = 0
            past[i.name] = np.zeros(shape, np.float32)
    tokens = list(prompt)
    done = 0
    for _ in range(steps):
        feed = {"input_ids": np.array([tokens[done:]], np.int64)}
        names_in = {i.name for i in inputs}
        if "attention_mask" in names_in:
            feed["attention_mask"] = np.ones((1, len(tokens)), np.int64)
        if "position_ids" in names_in:
            feed["position_ids"] = np.arange(done, len(tokens), dtype=np.int64)[None]
        feed.update(past)
        out = dict(zip(names, session.run(None, feed)))
        tokens.append(int(np.argmax(out["logits"][0, -1])))
        past = {k: out[k.replace("past_key_values.", "present.")] for k in past}
        done = len(tokens) - 1
    return tokens


def check_generate(stratac, model_path, work, bounded):
    prompt = reference_set(model_path)["input_ids"][0]
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    expected = ort_greedy(session, prompt, GENERATE_STEPS)
    exe = os.path.join(work, "model")
    compile_args = [stratac, "compile", model_path, "-o", exe]
    if bounded:
        # Every named dimension up to the longest sequence the loop reaches.
        graph = onnx.load(model_path, load_external_data=False).graph
        names = {d.dim_param for v in graph.input for d in v.type.tensor_type.shape.dim}
        longest = len(prompt) + GENERATE_STEPS
        compile_args += ["--max-shape",
                         ",".join(f"{n}={longest}" for n in sorted(names) if n)]
    result = subprocess.run(compile_args, capture_output=True, text=True)
    if result.returncode:
        return "compile failed: " + result.stderr.strip()[:300]
    np.save(os.path.join(work, "prompt.npy"), prompt[None].astype(np.int64))
    tokens = os.path.join(work, "tokens.npy")
    result = subprocess.run([exe, "--generate", str(GENERATE_STEPS), "--input",
                             f"input_ids={work}/prompt.npy", "--output", f"tokens={tokens}"],
                            capture_output=True, text=True)
    if result.returncode:
        return "run failed: " + result.stderr.strip()[:300]
    got = np.load(tokens)[0].tolist()
    if got != expected:
        return f"tokens {got} differ from onnxruntime's {expected}"
    return f"ok ({GENERATE_STEPS} tokens match onnxruntime's)"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--models", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    passed = failed = 0
    for model_path in sorted(glob.glob(os.path.join(args.models, "*", "*.onnx"))):
        for variant in ("static", "dynamic", "bounded"):
            with tempfile.TemporaryDirectory() as work:
                status = check(args.stratac, model_path, work, variant)
            ok = status.startswith("ok")
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                  f"({variant}): {status}")
        if "_kv_" in os.path.basename(model_path):
            for bounded in (False, True):
                with tempfile.TemporaryDirectory() as work:
                    status = check_generate(args.stratac, model_path, work, bounded)
                ok = status.startswith("ok")
                passed, failed = passed + ok, failed + (not ok)
                print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                      f"(generate{', bounded' if bounded else ''}): {status}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
