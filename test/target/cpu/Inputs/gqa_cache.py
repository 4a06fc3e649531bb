"""onnxruntime's GroupQueryAttention over a padded batch, step by step.

  gqa_cache.py model OUT.onnx
      writes a one-node com.microsoft GroupQueryAttention model (4 query
      heads, 2 key/value heads of 16, rotary embedding) with dynamic batch,
      sequence and cache lengths, as onnxruntime-genai's builder names them;
  gqa_cache.py check MODEL.onnx PROGRAM...
      runs each compiled PROGRAM and onnxruntime through the same steps, each
      step's past being onnxruntime's previous present, and checks that the
      outputs and presents agree within 1e-5 (the zeros after a short entry's
      positions included). Steps: a batch of two right-padded prompts of 5
      and 3 tokens, then three decode steps, where the second entry's new key
      goes after its own 3 positions, not after the 5 of the padded cache;
      then one prompt of 4 tokens and a chunk of 3 more (onnxruntime takes
      several new tokens after a past only at batch 1);
  gqa_cache.py overlong PROGRAM
      runs PROGRAM on a decode step whose seqlens_k puts an entry's past
      beyond the 5 positions its cache holds (total_sequence_length claiming
      as many), and prints the exit status and what the program printed on
      standard error;
  gqa_cache.py badlengths MODEL.onnx PROGRAM
      runs onnxruntime and PROGRAM on first prompts of 5 tokens whose
      seqlens_k holds a value outside [0, total_sequence_length) (9 and -3
      of 5, then 4 of a total of -1), and prints whether onnxruntime refused
      each, PROGRAM's exit status and what it printed on standard error.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
from onnx import TensorProto, helper, numpy_helper

HEADS, KV_HEADS, HEAD = 4, 2, 16
POSITIONS = 32
NAMES = ["query", "key", "value", "past_key", "past_value", "seqlens_k",
         "total_sequence_length", "cos_cache", "sin_cache"]
OUTPUTS = ["output", "present_key", "present_value"]


def model(path: Path) -> None:
    angles = np.outer(np.arange(POSITIONS), 10000.0 ** (-np.arange(0, HEAD, 2) / HEAD))
    tables = [numpy_helper.from_array(np.cos(angles).astype(np.float32), "cos_cache"),
              numpy_helper.from_array(np.sin(angles).astype(np.float32), "sin_cache")]
    node = helper.make_node("GroupQueryAttention", NAMES, OUTPUTS, domain="com.microsoft",
                            num_heads=HEADS, kv_num_heads=KV_HEADS, do_rotary=1)
    f, i32 = TensorProto.FLOAT, TensorProto.INT32
    cache = ["batch_size", KV_HEADS, "past_sequence_length", HEAD]
    present = ["batch_size", KV_HEADS, "total_sequence_length", HEAD]
    graph = helper.make_graph(
        [node], "gqa",
        [helper.make_tensor_value_info("query", f, ["batch_size", "sequence_length", HEADS * HEAD]),
         helper.make_tensor_value_info("key", f, ["batch_size", "sequence_length", KV_HEADS * HEAD]),
         helper.make_tensor_value_info("value", f,
                                       ["batch_size", "sequence_length", KV_HEADS * HEAD]),
         helper.make_tensor_value_info("past_key", f, cache),
         helper.make_tensor_value_info("past_value", f, cache),
         helper.make_tensor_value_info("seqlens_k", i32, ["batch_size"]),
         helper.make_tensor_value_info("total_sequence_length", i32, [])],
        [helper.make_tensor_value_info("output", f,
                                       ["batch_size", "sequence_length", HEADS * HEAD]),
         helper.make_tensor_value_info("present_key", f, present),
         helper.make_tensor_value_info("present_value", f, present)],
        tables)
    onnx.save(helper.make_model(graph, ir_version=10, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]), path)


def steps(rng):
    """(inputs, entries' lengths after the step) of each step, the pasts left
    to be filled from the previous step's presents (None at a first prompt)."""
    def normal(batch, sequence, heads):
        return rng.standard_normal((batch, sequence, heads * HEAD)).astype(np.float32)

    for prompt, decodes in (([5, 3], [1, 1, 1]), ([4], [3, 1])):
        batch, lengths = len(prompt), np.array(prompt)
        sequence, past = max(prompt), 0
        seqlens = lengths - 1
        for s in [sequence] + decodes:
            if past:
                lengths = lengths + s
                seqlens = lengths - 1
            yield {"query": normal(batch, s, HEADS), "key": normal(batch, s, KV_HEADS),
                   "value": normal(batch, s, KV_HEADS), "seqlens_k": seqlens.astype(np.int32),
                   "total_sequence_length": np.array(past + s, np.int32)}, past == 0
            past += s


def run_program(program: str, inputs: dict, work: Path) -> list:
    args = [program]
    for name, value in inputs.items():
        np.save(work / f"{name}.npy", value)
        args += ["--input", f"{name}={work / name}.npy"]
    for name in OUTPUTS:
        args += ["--output", f"{name}={work / name}.out.npy"]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return [np.load(work / f"{name}.out.npy") for name in OUTPUTS]


def check(model_path: str, programs: list) -> None:
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        presents = None
        for number, (inputs, first) in enumerate(steps(rng)):
            batch = inputs["query"].shape[0]
            if first:
                presents = [np.zeros((batch, KV_HEADS, 0, HEAD), np.float32)] * 2
            inputs["past_key"], inputs["past_value"] = presents
            expected = session.run(None, inputs)
            for program in programs:
                got = run_program(program, inputs, work)
                for name, g, e in zip(OUTPUTS, got, expected):
                    assert g.shape == e.shape, (program, number, name, g.shape, e.shape)
                    error = float(np.abs(g - e).max()) if g.size else 0.0
                    assert error <= 1e-5, (program, number, name, error)
            presents = expected[1:]
            print(f"step {number}: batch {batch}, {inputs['query'].shape[1]} new, "
                  f"seqlens_k {inputs['seqlens_k'].tolist()}, present {expected[1].shape[2]} "
                  f"long: {len(programs)} programs agree")


def overlong(program: str) -> None:
    rng = np.random.default_rng(7)
    inputs = next(steps(rng))[0]
    inputs = {name: value[:, :1] if value.ndim == 3 else value for name, value in inputs.items()}
    inputs["seqlens_k"] = np.array([9, 3], np.int32)
    inputs["total_sequence_length"] = np.array(10, np.int32)
    inputs["past_key"] = inputs["past_value"] = np.zeros((2, KV_HEADS, 5, HEAD), np.float32)
    print_exit(program, inputs)


def print_exit(program: str, inputs: dict) -> None:
    """Runs PROGRAM on INPUTS and prints its exit status (standard error passes
    through)."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            run_program(program, inputs, Path(tmp))
        except subprocess.CalledProcessError as error:
            print(f"exit status {error.returncode}", flush=True)
            return
    print("exit status 0", flush=True)


def bad_lengths(model_path: str, program: str) -> None:
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(7)
    inputs = next(steps(rng))[0]
    inputs["past_key"] = inputs["past_value"] = np.zeros((2, KV_HEADS, 0, HEAD), np.float32)
    for lengths, total in (([4, 9], 5), ([4, -3], 5), ([4, 2], -1)):
        inputs["seqlens_k"] = np.array(lengths, np.int32)
        inputs["total_sequence_length"] = np.array(total, np.int32)
        try:
            session.run(None, inputs)
            verdict = "accepted"
        except Exception:
            verdict = "refused"
        print(f"seqlens_k {lengths} of {total}: onnxruntime {verdict}", flush=True)
        print_exit(program, inputs)


if __name__ == "__main__":
    if sys.argv[1] == "model":
        model(Path(sys.argv[2]))
    elif sys.argv[1] == "overlong":
        overlong(sys.argv[2])
    elif sys.argv[1] == "badlengths":
        bad_lengths(sys.argv[2], sys.argv[3])
    else:
        check(sys.argv[2], sys.argv[3:])
