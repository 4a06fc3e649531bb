"""Writes each array of a test model's .npz (inputs/NAME, outputs/NAME) to
DIR/NAME.npy for the inputs and DIR/PREFIX_NAME.npy for the outputs.

  python unpack_npz.py NPZ DIR PREFIX
"""
import sys

import numpy as np

data = np.load(sys.argv[1])
out, prefix = sys.argv[2], sys.argv[3]
for key in data.files:
    kind, name = key.split("/", 1)
    np.save(f"{out}/{name}.npy" if kind == "inputs" else f"{out}/{prefix}_{name}.npy", data[key])
