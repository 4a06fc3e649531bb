"""ONNX backend node tests, compiled for the CPU and run against their reference
outputs.

For every model of the transformer subset (../shared/testdata/
onnx-node-transformer-subset.txt, under libonnx-testdata's node directory) and of
../shared/testdata/onnx-node-opset23/, compiles `model.onnx` with `stratac
compile`, runs the executable on each `test_data_set_*` and compares every
output with the reference (floating point: 1e-3 relative plus 1e-7 absolute,
the defaults of ONNX's own backend test runner; 1e-3 absolute for float16 and
1e-2 for bfloat16; NaN equal to NaN; integers and booleans: exact). bfloat16
tensors, which ONNX stores as uint16 bit patterns, are exchanged with the
executables as NumPy saves ml_dtypes.bfloat16 arrays (descr '<V2'); sequences
as .npz files (numpy.savez); an empty optional input is left out. Models in the
expected-failure list (`name  # reason`) must fail; one that passes fails the
run, so the list stays true. Prints per-suite counts and `N passed, N failed`.
"""
import argparse
import concurrent.futures
import glob
import os
import subprocess
import sys
import tempfile

import ml_dtypes
import numpy as np
import onnx
from onnx import numpy_helper

# onnx.backend.test.runner's defaults for node tests.
RTOL, ATOL = 1e-3, 1e-7
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)


def tensor_value(tensor, tensor_type):
    """`tensor` as an array: ONNX 1.12's test data stores bfloat16 values as
    UINT16 tensors of their bit patterns."""
    array = numpy_helper.to_array(tensor)
    if tensor_type.elem_type == onnx.TensorProto.BFLOAT16:
        array = array.view(BFLOAT16)
    return array


def read_value(path, type_proto):
    """The value at `path` as the graph declares `type_proto`: an array, a list
    of arrays (a sequence) or None (an empty optional)."""
    kind = type_proto.WhichOneof("value")
    proto = {"sequence_type": onnx.SequenceProto,
             "optional_type": onnx.OptionalProto}.get(kind, onnx.TensorProto)()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    if kind == "optional_type":
        type_proto = type_proto.optional_type.elem_type
        field = "sequence_value" if type_proto.HasField("sequence_type") else "tensor_value"
        if not proto.HasField(field):
            return None
        proto, kind = getattr(proto, field), type_proto.WhichOneof("value")
    if kind == "sequence_type":
        element = type_proto.sequence_type.elem_type.tensor_type
        return [tensor_value(t, element) for t in proto.tensor_values]
    return tensor_value(proto, type_proto.tensor_type)


def file_suffix(type_proto):
    """The executables exchange sequences as .npz files, tensors as .npy."""
    if type_proto.HasField("optional_type"):
        type_proto = type_proto.optional_type.elem_type
    return ".npz" if type_proto.HasField("sequence_type") else ".npy"


def compare(got, want):
    if got.shape != want.shape:
        return f"shape {got.shape}, expected {want.shape}"
    if want.dtype == BFLOAT16:
        # np.load gives the raw 2-byte values of a '<V2' file.
        if got.dtype != np.dtype("V2"):
            return f"dtype {got.dtype}, expected bfloat16 ('<V2')"
        got, want = got.view(BFLOAT16).astype(np.float32), want.astype(np.float32)
        if not np.allclose(got, want, rtol=1e-2, atol=1e-2, equal_nan=True):
            return f"max abs error {np.nanmax(np.abs(got - want)):.3g}"
    elif want.dtype.kind == "f":
        rtol, atol = (1e-3, 1e-3) if want.dtype == np.float16 else (RTOL, ATOL)
        if not np.allclose(got, want.astype(got.dtype), rtol=rtol, atol=atol, equal_nan=True):
            return f"max abs error {np.nanmax(np.abs(got.astype(np.float64) - want)):.3g}"
    elif not np.array_equal(got, want):
        return "values differ"
    return None


def compare_value(path, want):
    if want is None:
        return "an empty optional was written" if os.path.exists(path) else None
    if not os.path.exists(path):
        return "not written"
    if not isinstance(want, list):
        return compare(np.load(path), want)
    with np.load(path) as archive:
        got = [archive[f"arr_{i}"] for i in range(len(archive.files))]
    if len(got) != len(want):
        return f"sequence of {len(got)} tensors, expected {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        error = compare(g, w)
        if error:
            return f"element {i}: {error}"
    return None


def run_model(stratac, model_dir):
    model = onnx.load(os.path.join(model_dir, "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    outputs = list(model.graph.output)
    with tempfile.TemporaryDirectory() as work:
        exe = os.path.join(work, "model")
        result = subprocess.run([stratac, "compile", os.path.join(model_dir, "model.onnx"),
                                 "-o", exe], capture_output=True, text=True, timeout=300)
        if result.returncode:
            lines = result.stderr.strip().splitlines()
            return "compile: " + (lines[0][:240] if lines else f"exit {result.returncode}")
        for data_set in sorted(glob.glob(os.path.join(model_dir, "test_data_set_*"))):
            args = [exe]
            for i, info in enumerate(inputs):
                value = read_value(os.path.join(data_set, f"input_{i}.pb"), info.type)
                path = os.path.join(work, f"input_{i}" + file_suffix(info.type))
                if value is None:
                    continue
                if isinstance(value, list):
                    np.savez(path, *value)
                else:
                    np.save(path, value)
                args += ["--input", f"{info.name}={path}"]
            output_paths = [os.path.join(work, f"output_{i}" + file_suffix(info.type))
                            for i, info in enumerate(outputs)]
            for info, path in zip(outputs, output_paths):
                if os.path.exists(path):
                    os.remove(path)
                args += ["--output", f"{info.name}={path}"]
            result = subprocess.run(args, capture_output=True, text=True, timeout=300)
            if result.returncode:
                lines = result.stderr.strip().splitlines()
                return "run: " + (lines[0][:240] if lines else f"exit {result.returncode}")
            for i, (info, path) in enumerate(zip(outputs, output_paths)):
                error = compare_value(
                    path, read_value(os.path.join(data_set, f"output_{i}.pb"), info.type))
                if error:
                    return f"output '{info.name}': {error}"
    return None


def read_expected_failures(path):
    expected = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, reason = line.partition("#")
                expected[name.strip()] = reason.strip()
    return expected


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--testdata", required=True, help="../shared/testdata")
    parser.add_argument("--node-dir", required=True, help="libonnx-testdata node tests")
    parser.add_argument("--expected-failures",
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                             "expected_failures.txt"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--only", nargs="*", help="run just these tests")
    args = parser.parse_args()

    with open(os.path.join(args.testdata, "onnx-node-transformer-subset.txt")) as f:
        subset = [(n.strip(), os.path.join(args.node_dir, n.strip())) for n in f if n.strip()]
    opset23_dir = os.path.join(args.testdata, "onnx-node-opset23")
    opset23 = [(n, os.path.join(opset23_dir, n)) for n in sorted(os.listdir(opset23_dir))]
    suites = {"transformer-subset": subset, "opset23": opset23}
    if args.only:
        suites = {k: [t for t in v if t[0] in args.only] for k, v in suites.items()}
    expected = read_expected_failures(args.expected_failures)

    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for suite, tests in suites.items():
            futures = {name: pool.submit(run_model, args.stratac, path) for name, path in tests}
            ok = xfail = 0
            for name, future in futures.items():
                try:
                    error = future.result()
                except (subprocess.TimeoutExpired, OSError) as e:
                    error = f"harness: {e}"
                if name in expected:
                    if error is None:
                        failed += 1
                        print(f"  UNEXPECTED PASS {name} (listed: {expected[name]})")
                    else:
                        xfail += 1
                    continue
                if error is None:
                    ok += 1
                    passed += 1
                else:
                    failed += 1
                    print(f"  FAIL {name}: {error}")
            print(f"{suite}: {ok}/{len(tests)} pass, {xfail} expected failures "
                  f"({100.0 * ok / max(len(tests), 1):.1f}%)")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
