"""ONNX backend node tests, compiled for the CPU and run against their reference
outputs.

Three suites of test cases, each `<case>/model.onnx` with `test_data_set_*/`
of `input_<i>.pb` and `output_<i>.pb`:

- `onnx-node`: every node test case of the pinned `onnx` package, which
  generate_testdata.py writes into the build tree (`--data-dir`);
- `transformer-subset`: the Debian package libonnx-testdata's node tests
  (ONNX 1.12, `--libonnx-node-dir`) named in onnx-node-transformer-subset.txt;
- `ort-contrib`: com.microsoft models with onnxruntime's outputs, also written
  by generate_testdata.py.

A case is run when every node of its model has an op that the importer
handles at the model's opset, as `strata-onnx-ops` (the importer's own list)
says; the others are counted and left out. A run compiles `model.onnx` with
`stratac compile`, runs the executable on each data set and compares every
output with the reference (floating point: 1e-3 relative plus 1e-7 absolute,
the defaults of ONNX's own backend test runner; 1e-3 absolute for float16 and
1e-2 for bfloat16; NaN equal to NaN; integers and booleans: exact). bfloat16
tensors, which ONNX 1.12 stores as uint16 bit patterns, are exchanged with the
executables as NumPy saves ml_dtypes.bfloat16 arrays (descr '<V2'); sequences
as .npz files (numpy.savez); an empty optional input is left out. With
`--import-only` a case passes when `stratac import` succeeds instead. A case
whose files are byte for byte those of a case already run (most of the subset's
cases are also in the onnx package) is run once and both get that result.

Cases in the expected-failure list (`suite/case  stage  # reason`, the stage
`import`, `compile` or `run` at which the case fails) must fail; under
`--import-only` only the `import` entries must, and the others must import. A
listed case that passes fails the run, and so does an entry that names no case
that is run, so the list stays true. Prints per suite: cases, cases with supported ops, passed,
expected failures, unexpected failures and passes; then `N passed, N failed`.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import subprocess
import sys
import tempfile
import time

import ml_dtypes
import numpy as np
import onnx
from onnx import numpy_helper

import generate_testdata

HERE = os.path.dirname(os.path.abspath(__file__))
# onnx.backend.test.runner's defaults for node tests.
RTOL, ATOL = 1e-3, 1e-7
BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
LATEST = sys.maxsize


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
    """None when `got` matches `want` within the tolerances, else why not."""
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
    """None when the file at `path` holds `want` (None: no file), else why not."""
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


def first_error(result, step):
    """`step: <message>` of a failed command: its first line that reports an
    error, without the location prefix, or its first line or exit status."""
    lines = result.stderr.strip().splitlines()
    errors = [line.split("error: ", 1)[1] for line in lines if "error: " in line]
    message = (errors or lines or [f"exit {result.returncode}"])[0]
    return f"{step}: {message[:300]}"


def import_model(stratac, model_dir):
    """None when `stratac import` accepts the model, else its first error."""
    result = subprocess.run([stratac, "import", os.path.join(model_dir, "model.onnx"),
                             "-o", os.devnull], capture_output=True, text=True, timeout=300)
    return first_error(result, "import") if result.returncode else None


# Flags every compile gets (--compile-flag), such as --no-fusion.
COMPILE_FLAGS = []


def run_model(stratac, model_dir):
    """None when the compiled model reproduces every data set, else the first
    difference or error."""
    model = onnx.load(os.path.join(model_dir, "model.onnx"), load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initializers]
    outputs = list(model.graph.output)
    with tempfile.TemporaryDirectory() as work:
        exe = os.path.join(work, "model")
        result = subprocess.run([stratac, "compile", os.path.join(model_dir, "model.onnx"),
                                 "-o", exe, *COMPILE_FLAGS], capture_output=True, text=True,
                                timeout=300)
        if result.returncode:
            return first_error(result, "compile")
        for data_set in sorted(glob.glob(os.path.join(model_dir, "test_data_set_*"))):
            args = [exe]
            for i, info in enumerate(inputs):
                pb = os.path.join(data_set, f"input_{i}.pb")
                # A data set may give fewer inputs than the graph declares.
                value = read_value(pb, info.type) if os.path.exists(pb) else None
                if value is None:
                    continue
                path = os.path.join(work, f"input_{i}" + file_suffix(info.type))
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
                return first_error(result, "run")
            for i, (info, path) in enumerate(zip(outputs, output_paths)):
                error = compare_value(
                    path, read_value(os.path.join(data_set, f"output_{i}.pb"), info.type))
                if error:
                    return f"output '{info.name}': {error}"
    return None


def imported_ops(tool):
    """(domain, op type) -> [(first, last opset)] as `strata-onnx-ops` prints
    them; the default domain is ''."""
    ops = {}
    lines = subprocess.run([tool], capture_output=True, text=True, check=True).stdout
    for line in lines.splitlines():
        domain, op_type, first, last = line.split()
        key = ("" if domain == "ai.onnx" else domain, op_type)
        ops.setdefault(key, []).append((int(first), LATEST if last == "latest" else int(last)))
    return ops


def graph_nodes(graph):
    """The nodes of `graph` and of every subgraph in their attributes."""
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            for subgraph in [attribute.g] if attribute.HasField("g") else attribute.graphs:
                yield from graph_nodes(subgraph)


def unsupported_ops(model_dir, ops):
    """The op types of the case's model that the importer does not handle at the
    model's opsets (empty when it handles them all)."""
    model = onnx.load(os.path.join(model_dir, "model.onnx"), load_external_data=False)
    opsets = {("" if o.domain == "ai.onnx" else o.domain): o.version for o in model.opset_import}
    missing = set()
    for node in graph_nodes(model.graph):
        domain = "" if node.domain == "ai.onnx" else node.domain
        opset = opsets.get(domain)
        ranges = ops.get((domain, node.op_type), [])
        if opset is None or not any(first <= opset <= last for first, last in ranges):
            missing.add(f"{domain + '::' if domain else ''}{node.op_type}-{opset}")
    return sorted(missing)


def case_digest(case_dir):
    """A hash of the case's files (model and data sets): cases with equal
    digests are the same test and get the same result."""
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(case_dir):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, case_dir).encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def read_list(path):
    """`name  # comment` a line -> {name: comment}; blank and `#` lines skipped."""
    entries = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, comment = line.partition("#")
                entries[name.strip()] = comment.strip()
    return entries


STAGES = ("import", "compile", "run")


def read_expected_failures(path):
    """`suite/case  stage  # reason` a line -> {suite/case: (stage, reason)}."""
    entries = {}
    for line, reason in read_list(path).items():
        fields = line.split()
        if len(fields) != 2 or fields[1] not in STAGES or not reason:
            sys.exit(f"{path}: '{line}': expected `suite/case  "
                     f"{'|'.join(STAGES)}  # reason`")
        entries[fields[0]] = (fields[1], reason)
    return entries


def collect_suites(data_dir, libonnx_node_dir):
    """Suite name -> [(case name, case directory)]."""
    def cases_in(directory):
        return [(n, os.path.join(directory, n)) for n in sorted(os.listdir(directory))
                if os.path.isfile(os.path.join(directory, n, "model.onnx"))]

    subset = read_list(os.path.join(HERE, "onnx-node-transformer-subset.txt"))
    return {
        "onnx-node": cases_in(os.path.join(data_dir, "onnx-node")),
        "transformer-subset": [(n, os.path.join(libonnx_node_dir, n)) for n in subset],
        "ort-contrib": cases_in(os.path.join(data_dir, "ort-contrib")),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--onnx-ops", required=True,
                        help="the strata-onnx-ops binary (the importer's op list)")
    parser.add_argument("--data-dir", required=True,
                        help="where generate_testdata.py writes (and caches) its sets")
    parser.add_argument("--libonnx-node-dir", required=True,
                        help="libonnx-testdata's node tests")
    parser.add_argument("--expected-failures",
                        default=os.path.join(HERE, "expected_failures.txt"))
    parser.add_argument("--import-only", action="store_true",
                        help="a case passes when `stratac import` accepts it")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="a flag every `stratac compile` gets (repeatable)")
    parser.add_argument("--only", nargs="*", help="run just these cases (suite/case)")
    parser.add_argument("--show-unsupported", action="store_true",
                        help="list the cases left out and their unsupported ops")
    args = parser.parse_args()
    COMPILE_FLAGS.extend(args.compile_flag)

    start = time.monotonic()
    generate_testdata.ensure(args.data_dir)
    print(f"test data current in {args.data_dir} ({time.monotonic() - start:.0f} s)")
    if not os.path.isdir(args.libonnx_node_dir):
        sys.exit(f"{args.libonnx_node_dir}: missing (install libonnx-testdata: tools/setup)")
    ops = imported_ops(args.onnx_ops)
    suites = collect_suites(args.data_dir, args.libonnx_node_dir)
    entries = read_expected_failures(args.expected_failures)
    # Under --import-only only the `import` entries must fail; the others must import.
    expected = {key: reason for key, (stage, reason) in entries.items()
                if not args.import_only or stage == "import"}
    check = import_model if args.import_only else run_model

    futures = {suite: {} for suite in suites}
    by_digest = {}
    reused = {suite: 0 for suite in suites}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for suite, cases in suites.items():
            for name, path in cases:
                key = f"{suite}/{name}"
                if args.only and key not in args.only:
                    continue
                missing = unsupported_ops(path, ops)
                if missing:
                    if args.show_unsupported:
                        print(f"  NOT RUN {key}: {' '.join(missing)}")
                    continue
                # libonnx-testdata's and the onnx package's copies of many cases
                # are byte for byte the same: each is compiled and run once.
                digest = case_digest(path)
                if digest in by_digest:
                    reused[suite] += 1
                else:
                    by_digest[digest] = pool.submit(check, args.stratac, path)
                futures[suite][key] = by_digest[digest]
        passed = failed = 0
        for suite, cases in suites.items():
            ok = xfail = unexpected_fail = unexpected_pass = 0
            for key, future in futures[suite].items():
                try:
                    error = future.result()
                except (subprocess.TimeoutExpired, OSError) as e:
                    error = f"harness: {e}"
                if key in expected:
                    if error is None:
                        unexpected_pass += 1
                        print(f"  UNEXPECTED PASS {key} (listed: {expected[key]})")
                    else:
                        xfail += 1
                elif error is None:
                    ok += 1
                else:
                    unexpected_fail += 1
                    print(f"  FAIL {key}: {error}")
            passed += ok
            failed += unexpected_fail + unexpected_pass
            print(f"{suite}: {len(cases)} cases, {len(futures[suite])} with supported ops: "
                  f"{ok} passed, {xfail} expected failures, {unexpected_fail} unexpected "
                  f"failures, {unexpected_pass} unexpected passes ({reused[suite]} the same "
                  f"files as an earlier case, run once; done at "
                  f"{time.monotonic() - start:.0f} s)")
    run = {key for suite_futures in futures.values() for key in suite_futures}
    for key in sorted(set(entries) - run):
        if not args.only or key in args.only:
            failed += 1
            print(f"  STALE ENTRY {key}: not a case with supported ops")
    print(f"{passed} passed, {failed} failed ({time.monotonic() - start:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
