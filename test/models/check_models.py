"""Compiles every exported test model for the CPU twice, with the shapes of its
saved inputs fixed (`--shape`) and with its symbolic dimensions left dynamic,
runs each executable and compares every output with onnxruntime's on the same
inputs (fp32: 1e-4 relative, with a 1e-5 absolute floor for values near zero;
fp16 outputs: 1e-2 relative). Models with a KV cache (`*_kv_*`) are also
compiled once more with dynamic shapes and run with `--generate`: greedy
decoding from the first row of their saved input_ids must give the same tokens
as the same loop on onnxruntime (empty past first, then one token a step with
the present tensors fed back).

The ecosystem exports (`ecosystem/`, written by export_ecosystem.py with
optimum, onnxruntime-genai's model builder and onnxruntime's transformer
optimiser) are compiled with dynamic dimensions only; their saved inputs are a
padded batch of two, and outputs over the sequence are compared at the real
tokens (onnxruntime leaves the padded positions of GroupQueryAttention
unspecified). Each decoder among them must also generate onnxruntime's greedy
tokens for two prompts: the first row alone, and both rows with their padding
(`attention_mask`).
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
RTOL_F16, ATOL_F16 = 1e-2, 1e-3


def is_ecosystem(model_path):
    return os.path.basename(os.path.dirname(model_path)) == "ecosystem"


def reference_set(model_path):
    """The .npz of saved inputs that belongs to a model file: its own
    (ecosystem/llama_optimum.onnx reads llama_optimum.npz), or its variant's
    (gpt2_kv_ts17.onnx reads gpt2_kv.npz)."""
    own = os.path.splitext(model_path)[0] + ".npz"
    stem = os.path.basename(model_path).rsplit("_", 1)[0]
    path = own if os.path.exists(own) else os.path.join(os.path.dirname(model_path),
                                                        stem + ".npz")
    data = np.load(path)
    return {k.split("/", 1)[1]: data[k] for k in data.keys() if k.startswith("inputs/")}


def real_positions(inputs, value):
    """Where `value` holds real tokens: the attention mask broadcast over an
    output's trailing dimensions when the output is [batch, sequence, ...] of
    the mask's batch and sequence, else everywhere."""
    mask = inputs.get("attention_mask")
    if mask is None or value.ndim < 2 or value.shape[:2] != mask.shape:
        return np.ones(value.shape, bool)
    return np.broadcast_to(mask.reshape(mask.shape + (1,) * (value.ndim - 2)) != 0, value.shape)


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
        rtol, atol = (RTOL_F16, ATOL_F16) if want.dtype == np.float16 else (RTOL, ATOL)
        if is_ecosystem(model_path):
            keep = real_positions(inputs, want)
            got, want = got[keep], want[keep]
        got, want = got.astype(np.float64), want.astype(np.float64)
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            err = np.max(np.abs(got - want) / (np.abs(want) + atol))
            return f"output {name}: relative error {err:.3g} exceeds {rtol}"
        if got.size:
            worst = max(worst, float(np.max(np.abs(got - want))))
    return f"ok (max abs error {worst:.2g})"


GENERATE_STEPS = 12


def present_name(name):
    """The present output that a past input's next value comes from."""
    if name.startswith("past_key_values."):
        return "present." + name[len("past_key_values."):]
    return "present_" + name[len("past_"):]


NUMPY_TYPES = {"tensor(int64)": np.int64, "tensor(int32)": np.int32,
               "tensor(float)": np.float32, "tensor(float16)": np.float16}


def ort_greedy(session, ids, mask, steps):
    """Greedy decoding on onnxruntime with the KV cache, as `--generate` does
    it: every row of `ids` ([batch, n]) is a prompt whose padding `mask`
    marks; the mask grows by a real column a step, positions count a row's
    real tokens (1 at padding), `seqlens_k` is a row's real tokens less one
    and `total_sequence_length` the mask's length. Returns each row's ids
    followed by its generated tokens."""
    batch = ids.shape[0]
    inputs = {i.name: i for i in session.get_inputs()}
    names = [o.name for o in session.get_outputs()]
    logits_name = "logits" if "logits" in names else names[0]
    past = {}
    for name, i in inputs.items():
        if name.startswith("past"):
            shape = [batch if not isinstance(d, int) else d for d in i.shape]
            shape[-2] = 0
            past[name] = np.zeros(shape, NUMPY_TYPES[i.type])
    tokens = [list(row) for row in ids]
    masks = [list(row) for row in mask]
    done = 0
    for _ in range(steps):
        columns = len(masks[0])
        fresh = columns - done
        feed = dict(past)
        for name, i in inputs.items():
            dtype = NUMPY_TYPES[i.type]
            if name == "input_ids":
                feed[name] = np.array([row[done:] for row in tokens], dtype)
            elif name == "attention_mask":
                feed[name] = np.array(masks, dtype)
            elif name == "position_ids":
                feed[name] = np.array([[int(np.sum(m[:c + 1])) - 1 if m[c] else 1
                                        for c in range(done, columns)] for m in masks], dtype)
            elif name == "seqlens_k":
                feed[name] = np.array([int(np.sum(m)) - 1 for m in masks], dtype)
            elif name == "total_sequence_length":
                feed[name] = np.full([1] * len(i.shape), columns, dtype)
        out = dict(zip(names, session.run(None, feed)))
        logits = out[logits_name].astype(np.float32)
        for b in range(batch):
            last = fresh - 1
            while last > 0 and masks[b][columns - fresh + last] == 0:
                last -= 1
            tokens[b].append(int(np.argmax(logits[b, last])))
            masks[b].append(1)
        past = {k: out[present_name(k)] for k in past}
        done = columns
    return tokens


def strata_greedy(exe, work, ids, mask, with_mask, steps):
    """`--generate` of the compiled program on the same prompts: the tokens, or
    an error message."""
    np.save(os.path.join(work, "ids.npy"), ids.astype(np.int64))
    np.save(os.path.join(work, "mask.npy"), mask.astype(np.int64))
    tokens = os.path.join(work, "tokens.npy")
    args = [exe, "--generate", str(steps), "--input", f"input_ids={work}/ids.npy",
            "--output", f"tokens={tokens}"]
    if with_mask:
        args += ["--input", f"attention_mask={work}/mask.npy"]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode:
        return "run failed: " + result.stderr.strip()[:300]
    return np.load(tokens).tolist()


def check_generate(stratac, model_path, work):
    inputs = reference_set(model_path)
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    exe = os.path.join(work, "model")
    result = subprocess.run([stratac, "compile", model_path, "-o", exe],
                            capture_output=True, text=True)
    if result.returncode:
        return "compile failed: " + result.stderr.strip()[:300]
    ids = inputs["input_ids"].astype(np.int64)
    with_mask = "attention_mask" in {i.name for i in session.get_inputs()}
    # The other exports' saved masks also cover a saved past; their first row
    # has no padding.
    mask = (inputs["attention_mask"] if with_mask and is_ecosystem(model_path)
            else np.ones(ids.shape, np.int64))
    # The first row alone, unpadded; for the ecosystem exports also the whole
    # padded batch.
    prompts = [(ids[:1], mask[:1])]
    if is_ecosystem(model_path) and with_mask:
        prompts.append((ids, mask))
    for prompt, prompt_mask in prompts:
        expected = ort_greedy(session, prompt, prompt_mask, GENERATE_STEPS)
        got = strata_greedy(exe, work, prompt, prompt_mask, with_mask, GENERATE_STEPS)
        if isinstance(got, str):
            return got
        if got != expected:
            return (f"batch {len(prompt)}: tokens {got} differ from onnxruntime's {expected}")
    return (f"ok ({GENERATE_STEPS} tokens match onnxruntime's for "
            f"{' and '.join(f'batch {len(p)}' for p, _ in prompts)})")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--models", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    passed = failed = 0
    for model_path in sorted(glob.glob(os.path.join(args.models, "*", "*.onnx"))):
        for static in (False,) if is_ecosystem(model_path) else (True, False):
            with tempfile.TemporaryDirectory() as work:
                status = check(args.stratac, model_path, work, static)
            ok = status.startswith("ok")
            passed, failed = passed + ok, failed + (not ok)
            variant = "static" if static else "dynamic"
            print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                  f"({variant}): {status}")
        decoder = any(i.name.startswith("past") for i in ort.InferenceSession(
            model_path, providers=["CPUExecutionProvider"]).get_inputs())
        if decoder:
            with tempfile.TemporaryDirectory() as work:
                status = check_generate(args.stratac, model_path, work)
            ok = status.startswith("ok")
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                  f"(generate): {status}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
