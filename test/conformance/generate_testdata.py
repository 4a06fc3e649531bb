#!/usr/bin/env python3
"""Writes the test data of the conformance suite into the build tree.

Two sets, each a directory of test cases in the layout of ONNX's backend node
tests (`<case>/model.onnx`, `<case>/test_data_set_0/input_<i>.pb` and
`output_<i>.pb`):

- `onnx-node/`: every node test case of the installed `onnx` package
  (`onnx.backend.test.case.node.collect_testcases()`: 1,884 cases for onnx
  1.23), serialised as `onnx.backend.test.cmd_tools generate-data` does. The
  cases seed NumPy's generator themselves, so their data is reproducible.
- `ort-contrib/`: one-node `com.microsoft` models that onnxruntime implements
  and the ONNX node tests do not cover (GroupQueryAttention with rotary
  embedding, a prefill and a decode step, after the sonos/tract test cases),
  with inputs from a seeded generator and onnxruntime's outputs as reference.

A set is rewritten only when it is missing or when its `STAMP` file (versions of
onnx, onnxruntime and NumPy, and a hash of this script) no longer matches, so a
run with everything up to date costs one import of onnx. Concurrent callers
(ctest runs the lit and conformance tests in parallel) serialise on a lock file;
a set is written beside its final place and renamed into it.

  generate_testdata.py --output build/testdata [--force]
"""
import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import sys
import warnings

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SETS = ("onnx-node", "ort-contrib")


def script_hash():
    with open(os.path.abspath(__file__), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def stamp(name):
    """What a set's data depends on, one `key value` a line."""
    versions = {"onnx": onnx.__version__, "numpy": np.__version__,
                "generator": script_hash()}
    if name == "ort-contrib":
        import onnxruntime
        versions["onnxruntime"] = onnxruntime.__version__
    return "".join(f"{k} {v}\n" for k, v in sorted(versions.items()))


def value_proto(value, info):
    """`value` (an array, a TensorProto, a list for a sequence, None or a value
    for an optional) as the protobuf that `info`'s type calls for."""
    kind = info.type.WhichOneof("value")
    if kind == "sequence_type":
        return numpy_helper.from_list(value, info.name)
    if kind == "optional_type":
        return numpy_helper.from_optional(value, info.name)
    if kind == "map_type":
        return numpy_helper.from_dict(value, info.name)
    if isinstance(value, TensorProto):
        return value
    return numpy_helper.from_array(np.asarray(value), info.name)


def write_case(directory, model, data_sets):
    """One test case: `model.onnx` and a `test_data_set_<n>/` per (inputs,
    outputs) pair."""
    os.makedirs(directory)
    with open(os.path.join(directory, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for n, (inputs, outputs) in enumerate(data_sets):
        data_set = os.path.join(directory, f"test_data_set_{n}")
        os.makedirs(data_set)
        for prefix, values, infos in (("input", inputs, model.graph.input),
                                      ("output", outputs, model.graph.output)):
            for i, (value, info) in enumerate(zip(values, infos)):
                with open(os.path.join(data_set, f"{prefix}_{i}.pb"), "wb") as f:
                    f.write(value_proto(value, info).SerializeToString())


def write_onnx_node(directory):
    from onnx.backend.test.case.node import collect_testcases
    with warnings.catch_warnings():
        # Some cases overflow on purpose (casts to narrow types, log of zero).
        warnings.simplefilter("ignore")
        cases = collect_testcases()
    for case in cases:
        write_case(os.path.join(directory, case.name), case.model, case.data_sets)


def gqa_rope_case(rng, past_length, sequence_length):
    """A com.microsoft GroupQueryAttention node with rotary embedding (4 query
    heads, 2 key/value heads, head size 16, batch 1) reading `past_length`
    cached positions and `sequence_length` new ones, with random inputs and
    onnxruntime's outputs."""
    import onnxruntime
    num_heads, kv_heads, head_size, max_positions = 4, 2, 16, 32
    total = past_length + sequence_length
    frequencies = np.outer(np.arange(max_positions),
                           10000.0 ** (-np.arange(0, head_size, 2) / head_size))

    def normal(*shape):
        return (0.5 * rng.standard_normal(shape)).astype(np.float32)

    inputs = {
        "query": normal(1, sequence_length, num_heads * head_size),
        "key": normal(1, sequence_length, kv_heads * head_size),
        "value": normal(1, sequence_length, kv_heads * head_size),
        "past_key": normal(1, kv_heads, past_length, head_size),
        "past_value": normal(1, kv_heads, past_length, head_size),
        "seqlens_k": np.array([total - 1], np.int32),
        "total_sequence_length": np.array(total, np.int32),
        "cos_cache": np.cos(frequencies).astype(np.float32),
        "sin_cache": np.sin(frequencies).astype(np.float32),
    }
    elem = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int32): TensorProto.INT32}
    present = [1, kv_heads, total, head_size]
    node = helper.make_node(
        "GroupQueryAttention", list(inputs), ["output", "present_key", "present_value"],
        domain="com.microsoft", num_heads=num_heads, kv_num_heads=kv_heads,
        do_rotary=1, rotary_interleaved=0, local_window_size=-1)
    graph = helper.make_graph(
        [node], "gqa_rope",
        [helper.make_tensor_value_info(k, elem[v.dtype], v.shape) for k, v in inputs.items()],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT,
                                       [1, sequence_length, num_heads * head_size]),
         helper.make_tensor_value_info("present_key", TensorProto.FLOAT, present),
         helper.make_tensor_value_info("present_value", TensorProto.FLOAT, present)])
    model = helper.make_model(graph, ir_version=10, opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    outputs = session.run(None, inputs)
    return model, [(list(inputs.values()), outputs)]


def write_ort_contrib(directory):
    rng = np.random.default_rng(0)
    for name, past_length, sequence_length in (("gqa_prefill_rope", 0, 6),
                                               ("gqa_decode_rope", 5, 1)):
        model, data_sets = gqa_rope_case(rng, past_length, sequence_length)
        write_case(os.path.join(directory, name), model, data_sets)


WRITERS = {"onnx-node": write_onnx_node, "ort-contrib": write_ort_contrib}


@contextlib.contextmanager
def locked(output):
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure(output, names=SETS, force=False):
    """Makes each set of `names` under `output` current; returns the sets it
    (re)wrote."""
    written = []
    with locked(output):
        for name in names:
            final = os.path.join(output, name)
            expected = stamp(name)
            stamp_path = os.path.join(final, "STAMP")
            if not force and os.path.exists(stamp_path):
                with open(stamp_path) as f:
                    if f.read() == expected:
                        continue
            partial = final + ".partial"
            shutil.rmtree(partial, ignore_errors=True)
            os.makedirs(partial)
            WRITERS[name](partial)
            with open(os.path.join(partial, "STAMP"), "w") as f:
                f.write(expected)
            shutil.rmtree(final, ignore_errors=True)
            os.rename(partial, final)
            written.append(name)
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True, help="directory of the sets")
    parser.add_argument("--set", choices=SETS, action="append",
                        help="only this set (repeatable; default: all)")
    parser.add_argument("--force", action="store_true", help="rewrite even when current")
    args = parser.parse_args()
    for name in ensure(args.output, args.set or SETS, args.force):
        print(f"wrote {os.path.join(args.output, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
