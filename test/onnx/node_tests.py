#!/usr/bin/env python3
"""Imports ONNX node-test models with `stratac import` and reports the results.

Two suites: the transformer subset of the ONNX node tests (names listed in
`<testdata>/onnx-node-transformer-subset.txt`, models under `--node-dir`) and the
opset-23 node tests (`<testdata>/onnx-node-opset23/*/model.onnx`). A model passes
when `stratac import` exits 0, which means the importer built the graph and the
module verified. Tests named in `node_tests_excluded.txt` (next to this script)
are expected to fail; an excluded test that passes or a non-excluded test that
fails makes the script exit 1. The last line is `N passed, M failed`, where
excluded tests that fail as expected count in neither (each suite's line gives
their number).
"""

import argparse
import concurrent.futures
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read_exclusions(path):
    """`name  # reason` per line; blank lines and lines starting with # ignored."""
    excluded = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition("#")
            excluded[name.strip()] = reason.strip()
    return excluded


def first_error_line(output):
    for line in output.splitlines():
        if "error" in line.lower():
            return line.strip()
    lines = [l.strip() for l in output.splitlines() if l.strip()]
    return lines[0] if lines else "(no output)"


def import_model(stratac, model, timeout):
    try:
        proc = subprocess.run([stratac, "import", model, "-o", os.devnull],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout}s"
    except OSError as e:
        return False, f"cannot run {stratac}: {e}"
    if proc.returncode == 0:
        return True, ""
    if proc.returncode < 0:
        return False, f"crashed with signal {-proc.returncode}: " + \
            first_error_line(proc.stdout)
    return False, first_error_line(proc.stdout)


def collect_suites(testdata, node_dir):
    subset_list = os.path.join(testdata, "onnx-node-transformer-subset.txt")
    with open(subset_list) as f:
        subset = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    suites = [("transformer-subset",
               [(name, os.path.join(node_dir, name, "model.onnx")) for name in subset])]
    opset23_dir = os.path.join(testdata, "onnx-node-opset23")
    opset23 = sorted(d for d in os.listdir(opset23_dir)
                     if os.path.isfile(os.path.join(opset23_dir, d, "model.onnx")))
    suites.append(("opset23",
                   [(name, os.path.join(opset23_dir, name, "model.onnx"))
                    for name in opset23]))
    return suites


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stratac", required=True, help="path of the stratac binary")
    parser.add_argument("--testdata", required=True,
                        help="directory holding onnx-node-transformer-subset.txt "
                             "and onnx-node-opset23/")
    parser.add_argument("--node-dir", required=True,
                        help="directory of the ONNX node tests (<name>/model.onnx)")
    parser.add_argument("--excluded",
                        default=os.path.join(HERE, "node_tests_excluded.txt"),
                        help="exclusion list (name  # reason)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=60,
                        help="seconds allowed per model")
    args = parser.parse_args()

    excluded = read_exclusions(args.excluded)
    suites = collect_suites(args.testdata, args.node_dir)
    passed = failed = 0
    seen = set()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for suite, tests in suites:
            futures = [(name, pool.submit(import_model, args.stratac, model,
                                          args.timeout)) for name, model in tests]
            ok = expected_failures = 0
            problems = []
            for name, future in futures:
                seen.add(name)
                success, error = future.result()
                if name in excluded:
                    if success:
                        problems.append(f"  UNEXPECTED PASS {name} (excluded: "
                                        f"{excluded[name]})")
                        failed += 1
                    else:
                        expected_failures += 1
                elif success:
                    ok += 1
                    passed += 1
                else:
                    problems.append(f"  FAIL {name}: {error}")
                    failed += 1
            print(f"{suite}: {ok}/{len(tests)} imported and verified, "
                  f"{expected_failures} excluded")
            for line in problems:
                print(line)
    stale = sorted(set(excluded) - seen)
    for name in stale:
        print(f"  STALE EXCLUSION {name}: not in any suite")
    failed += len(stale)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
