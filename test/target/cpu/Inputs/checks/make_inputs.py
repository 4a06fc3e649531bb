"""Writes the inputs of runtime-checks.test into the directory given."""
import os
import sys

import numpy as np

out = sys.argv[1]
arrays = {
    "ids_ok": np.array([3, 0, -3], np.int64),
    "ids_4": np.array([0, 4], np.int64),
    "ids_100000": np.array([100000], np.int64),
    "ids_-100000": np.array([-100000], np.int64),
    "rows_ok": np.array([-1, 0], np.int64),
    "rows_-5": np.array([-5, 0], np.int64),
    "tuples_ok": np.array([[1, 1], [3, 1]], np.int64),
    "tuples_far": np.array([[1, 1], [5, 1]], np.int64),
    "a2": np.array([1, 2], np.float32),
    "b2": np.array([10, 20], np.float32),
    "b1m": np.zeros(1 << 20, np.float32),
    "x23": np.arange(6, dtype=np.float32).reshape(2, 3),
    "shape_3x2": np.array([3, 2], np.int64),
    "shape_100x100": np.array([100, 100], np.int64),
    "start1": np.array([1], np.int64),
    "step2": np.array([2], np.int64),
    "step0": np.array([0], np.int64),
    "delta3": np.array(3, np.int64),
    "delta0": np.array(0, np.int64),
    "grow_3x2": np.array([3, 2], np.int64),
    "grow_3x5": np.array([3, 5], np.int64),
    "x04": np.zeros((0, 4), np.float32),
    "rows_2x4": np.arange(8, dtype=np.float32).reshape(2, 4),
    "rows_1x4": np.ones((1, 4), np.float32),
    "rows_4096x4": np.ones((4096, 4), np.float32),
    "x24": np.arange(8, dtype=np.float32).reshape(2, 4),
    "shape_0x-1": np.array([0, -1], np.int64),
    "shape_0x4": np.array([0, 4], np.int64),
    "shape_4x-1": np.array([4, -1], np.int64),
    "n32": np.arange(6, dtype=np.int32).reshape(3, 2),
    "n30": np.zeros((3, 0), np.int32),
    "shape_2x3": np.array([2, 3], np.int64),
    "shape_4eib": np.array([1 << 30, 1 << 30], np.int64),
    "shape_wraps": np.array([1 << 62, 4], np.int64),
    "t4": np.arange(4, dtype=np.float32),
    "repeats2": np.array([2], np.int64),
    "repeats_wraps": np.array([1 << 62], np.int64),
    "k2": np.array([2], np.int64),
    "k5": np.array([5], np.int64),
    "k-1": np.array([-1], np.int64),
}
for name, value in arrays.items():
    np.save(os.path.join(out, name + ".npy"), value)
