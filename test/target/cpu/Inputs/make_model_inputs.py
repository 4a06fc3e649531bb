"""Writes the inputs of model-inputs.test into the directory given."""
import os
import sys

import numpy as np

out = sys.argv[1]
ids = np.arange(15, dtype=np.int64).reshape(3, 5)
arrays = {
    "ids": ids,
    "mask": np.ones((3, 5), np.int64),
    "types": np.zeros((3, 5), np.int64),
    "types_4096x128": np.zeros((4096, 128), np.int64),
    "types_2": np.full((3, 5), 2, np.int64),
    "ids_256": np.where(ids == 7, 256, ids),
    "ids_100000": np.where(ids == 7, 100000, ids),
    "ids_-100000": np.where(ids == 7, -100000, ids),
    "prompt": np.array([[84]], np.int64),
    "prompt_20": np.full((1, 20), 84, np.int64),
}
for name, value in arrays.items():
    np.save(os.path.join(out, name + ".npy"), value)
