"""Compares the program's outputs DIR/NAME.npy with onnxruntime's
DIR/PREFIX_NAME.npy: same dtype and shape, values within 1e-5.

  python compare_outputs.py DIR PREFIX NAME...
"""
import sys

import numpy as np

out, prefix = sys.argv[1], sys.argv[2]
for name in sys.argv[3:]:
    got, expected = np.load(f"{out}/{name}.npy"), np.load(f"{out}/{prefix}_{name}.npy")
    assert got.dtype == expected.dtype and got.shape == expected.shape, (
        name, got.dtype, got.shape, expected.dtype, expected.shape)
    assert np.allclose(got, expected, rtol=1e-5, atol=1e-5), (name, got, expected)
