"""Compiles every exported test model three times: with the shapes of its saved
inputs fixed (`--shape`), with its symbolic dimensions left dynamic, and with
them dynamic but bounded (`--max-shape`, twice the saved size); runs each
executable and compares every output with onnxruntime's on the same inputs
(fp32: 1e-4 relative, with a 1e-5 absolute floor for values near zero; fp16
outputs: 1e-2 of the output's largest magnitude). The static and bounded
programs must also make no allocation after load: every buffer is in the
memory plan's arena (`--report` counts the compiled code's fallback
allocations), and their resident memory must not grow after the first of
their three runs (`--report`'s resident memory, within MAX_GROWTH_MIB).
Decoders (models with past inputs) are also compiled twice more
with dynamic shapes (unbounded, and bounded by the longest sequence) and run
with `--generate`: greedy decoding from the first row of their saved input_ids
must give the same tokens as the same loop on onnxruntime (empty past first,
then one token a step with the present tensors fed back).

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
import re
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

RTOL, ATOL = 1e-4, 1e-5
# fp16 outputs: within 1e-2 of the output's largest magnitude (fp16 products of
# onnxruntime and Strata round differently; a bound per element would fail on values
# near zero).
RTOL_F16 = 1e-2
# What runs after the first may add to the resident memory: the heap's
# bookkeeping; a buffer or an output kept per run would add its size.
MAX_GROWTH_MIB = 0.5


def session_for(model_path):
    """An onnxruntime session that does not reuse buffers across runs of
    different shapes (its planner refuses the genai builder's fp16 exports
    otherwise), with MatMulNBits at accuracy_level 0: the genai builder's
    level 4 lets onnxruntime quantise the activations to int8, where Strata
    computes the exact product of the dequantised weights."""
    options = ort.SessionOptions()
    options.enable_mem_reuse = False
    model = onnx.load(model_path)
    levels = [a for n in model.graph.node if n.op_type == "MatMulNBits"
              for a in n.attribute if a.name == "accuracy_level" and a.i != 0]
    for attribute in levels:
        attribute.i = 0
    source = model.SerializeToString() if levels else model_path
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


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


def real_positions(inputs, value):
    """Where `value` holds real tokens: the attention mask broadcast over an
    output's trailing dimensions when the output is [batch, sequence, ...] of
    the mask's batch and sequence, over heads and head size for a present
    cache, else everywhere."""
    mask = inputs.get("attention_mask")
    if mask is None or value.ndim < 2:
        return np.ones(value.shape, bool)
    if value.shape[:2] == mask.shape:
        return np.broadcast_to(mask.reshape(mask.shape + (1,) * (value.ndim - 2)) != 0,
                               value.shape)
    # A present cache [batch, heads, total, head_size]: its keys at the
    # padding are the padded positions' own, which onnxruntime leaves
    # unspecified from the second layer on.
    if value.ndim == 4 and (value.shape[0], value.shape[2]) == mask.shape:
        return np.broadcast_to(mask[:, None, :, None] != 0, value.shape)
    return np.ones(value.shape, bool)


# Flags every compile gets (--compile-flag), such as --no-fusion.
COMPILE_FLAGS = []


def check(stratac, model_path, work, variant):
    inputs = reference_set(model_path)
    session = session_for(model_path)
    names = [o.name for o in session.get_outputs()]
    expected = dict(zip(names, session.run(None, inputs)))
    exe = os.path.join(work, "model")
    compile_args = [stratac, "compile", model_path, "-o", exe, *COMPILE_FLAGS]
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
    if variant != "dynamic":
        growth = re.search(r"report: resident memory .* \(([-+][0-9.]+) MiB\)", result.stdout)
        if not growth:
            return "no resident memory in the report: " + result.stdout.strip()[-300:]
        if float(growth.group(1)) > MAX_GROWTH_MIB:
            return f"resident memory grew by {growth.group(1)} MiB after the first run"
    worst = 0.0
    for name in names:
        got = np.load(os.path.join(work, "out_" + name + ".npy"))
        want = expected[name]
        if got.shape != want.shape:
            return f"output {name}: shape {got.shape}, onnxruntime {want.shape}"
        rtol, atol = RTOL, ATOL
        if want.dtype == np.float16:
            rtol, atol = 0, RTOL_F16 * max(float(np.max(np.abs(want), initial=0)), 1e-3)
        if is_ecosystem(model_path):
            keep = real_positions(inputs, want)
            got, want = got[keep], want[keep]
        got, want = got.astype(np.float64), want.astype(np.float64)
        if not np.allclose(got, want, rtol=rtol, atol=atol):
            if rtol == 0:
                return (f"output {name}: max abs error {np.max(np.abs(got - want)):.3g} "
                        f"exceeds {atol:.3g}")
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
    followed by its generated tokens, and for each row and step whether its
    fp16 logits made the choice a near tie (the best two within RTOL_F16 of
    the row's largest magnitude)."""
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
    near_ties = [[] for _ in range(batch)]
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
        half = out[logits_name].dtype == np.float16
        logits = out[logits_name].astype(np.float32)
        for b in range(batch):
            last = fresh - 1
            while last > 0 and masks[b][columns - fresh + last] == 0:
                last -= 1
            row = logits[b, last]
            top = np.sort(row)[-2:]
            near_ties[b].append(half and top[1] - top[0] <= RTOL_F16 * np.max(np.abs(row)))
            tokens[b].append(int(np.argmax(row)))
            masks[b].append(1)
        past = {k: out[present_name(k)] for k in past}
        done = columns
    return tokens, near_ties


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


def check_generate(stratac, model_path, work, bounded):
    inputs = reference_set(model_path)
    session = session_for(model_path)
    ids = inputs["input_ids"].astype(np.int64)
    exe = os.path.join(work, "model")
    compile_args = [stratac, "compile", model_path, "-o", exe, *COMPILE_FLAGS]
    if bounded:
        # Every named dimension up to the longest sequence the loop reaches.
        graph = onnx.load(model_path, load_external_data=False).graph
        names = {d.dim_param for v in graph.input for d in v.type.tensor_type.shape.dim}
        longest = max(ids.shape[1] + GENERATE_STEPS, ids.shape[0])
        compile_args += ["--max-shape",
                         ",".join(f"{n}={longest}" for n in sorted(names) if n)]
    result = subprocess.run(compile_args, capture_output=True, text=True)
    if result.returncode:
        return "compile failed: " + result.stderr.strip()[:300]
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
    notes = []
    for prompt, prompt_mask in prompts:
        expected, near_ties = ort_greedy(session, prompt, prompt_mask, GENERATE_STEPS)
        got = strata_greedy(exe, work, prompt, prompt_mask, with_mask, GENERATE_STEPS)
        if isinstance(got, str):
            return got
        for b, (row, want) in enumerate(zip(got, expected)):
            step = next((i for i, (x, y) in enumerate(zip(row, want)) if x != y), None)
            if step is None:
                continue
            step -= prompt.shape[1]
            # Past a near tie of fp16 logits, either choice is right and the
            # continuations differ.
            if not near_ties[b][step]:
                return (f"batch {len(prompt)}: row {b}: tokens {row} differ from "
                        f"onnxruntime's {[int(t) for t in want]} at step {step}")
            notes.append(f"batch {len(prompt)} row {b} from step {step} on, after an fp16 near tie")
    return (f"ok ({GENERATE_STEPS} tokens match onnxruntime's for "
            f"{' and '.join(f'batch {len(p)}' for p, _ in prompts)}"
            f"{'; except ' + ', '.join(notes) if notes else ''})")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--models", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="a flag every `stratac compile` gets (repeatable)")
    args = parser.parse_args()
    COMPILE_FLAGS.extend(args.compile_flag)
    passed = failed = 0
    for model_path in sorted(glob.glob(os.path.join(args.models, "*", "*.onnx"))):
        # The ecosystem exports are large: dynamic dimensions only.
        ecosystem = is_ecosystem(model_path)
        for variant in ("dynamic",) if ecosystem else ("static", "dynamic", "bounded"):
            with tempfile.TemporaryDirectory() as work:
                status = check(args.stratac, model_path, work, variant)
            ok = status.startswith("ok")
            passed, failed = passed + ok, failed + (not ok)
            print(f"{'PASS' if ok else 'FAIL'} {os.path.relpath(model_path, args.models)} "
                  f"({variant}): {status}")
        graph = onnx.load(model_path, load_external_data=False).graph
        if not any(i.name.startswith("past") for i in graph.input):
            continue
        for bounded in (False,) if ecosystem else (False, True):
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
