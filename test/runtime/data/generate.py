# Regenerates the .npy fixtures of test/runtime with NumPy:
#   /work/main/.venv/bin/python test/runtime/data/generate.py
# The GoogleTest tests only read these files; they never run Python.
import os

import ml_dtypes
import numpy as np
from numpy.lib import format as npy

here = os.path.dirname(os.path.abspath(__file__))


def write(name, array, version):
    with open(os.path.join(here, name), "wb") as f:
        npy.write_array(f, array, version=version)


write("f32_2x3_v1.npy", np.arange(6, dtype="<f4").reshape(2, 3), (1, 0))
write("b1_3_v2.npy", np.array([True, False, True]), (2, 0))
write("u16_2x3x4_v3.npy", np.arange(24, dtype="<u2").reshape(2, 3, 4), (3, 0))
write("f64_2x3_fortran.npy",
      np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)), (1, 0))
write("bf16_2x2_v1.npy",
      np.array([[1.5, -2.0], [0.0, 3.140625]], dtype=ml_dtypes.bfloat16), (1, 0))
