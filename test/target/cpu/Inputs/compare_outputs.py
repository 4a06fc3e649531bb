"""Compares the program's outputs DIR/NAME.npy with onnxruntime's
DIR/PREFIX_NAME.npy: same dtype and shape, values within 1e-5 (or the
tolerance given: absolute and relative).

  python compare_outputs.py [--tolerance T] DIR PREFIX NAME...
"""
import sys

import numpy as np

args = sys.argv[1:]
tolerance = 1e-5
if args[0] == "--tolerance":
    tolerance, args = float(args[1]), args[2:]
out, prefix = args[0], args[1]
for name in args[2:]:
    got, expected = np.load(f"{out}/{name}.npy"), np.load(f"{out}/{prefix}_{name}.npy")
    assert got.dtype == expected.dtype and got.shape == expected.shape, (
        name, got.dtype, got.shape, expected.dtype, expected.shape)
    assert np.allclose(got, expected, rtol=tolerance, atol=tolerance), (
        name, float(np.abs(got - expected).max()), got, expected)
