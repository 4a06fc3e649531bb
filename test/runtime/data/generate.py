# Regenerates the .npy and .npz fixtures of test/runtime with NumPy:
#   /work/main/.venv/bin/python test/runtime/data/generate.py
# The GoogleTest tests only read these files; they never run Python.
import io
import os
import zipfile

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


# .npz archives as numpy.savez and numpy.savez_compressed write them.
def savez(name, *arrays, **named):
    np.savez(os.path.join(here, name), *arrays, **named)


f32_pair = [np.arange(6, dtype="<f4").reshape(2, 3),
            np.array([1.5, -2.0, 0.25, 1e30], dtype="<f4")]
savez("savez_f32_2x3_f32_4.npz", *f32_pair)
savez("savez_i64_b1_f64.npz",
      np.array([-(2**62), -1, 2**40 + 7], dtype="<i8"),
      np.array([[True, False], [False, True]]),
      np.float64(-0.125))
savez("savez_empty.npz")
savez("savez_keywords.npz", x=np.arange(3, dtype="<f4"), y=np.arange(2, dtype="<i8"))
np.savez_compressed(os.path.join(here, "savez_compressed_i64_3.npz"),
                    np.arange(3, dtype="<i8"))

# What strata_npz_save writes for f32_pair: the same members, in a plain zip
# (no zip64 extra field in the local headers, which numpy.savez adds with
# force_zip64=True), with the header fields Python's zipfile gives them.
plain = os.path.join(here, "zipfile_f32_2x3_f32_4.npz")
with zipfile.ZipFile(plain, "w", zipfile.ZIP_STORED) as archive:
    for i, array in enumerate(f32_pair):
        image = io.BytesIO()
        npy.write_array(image, array)
        archive.writestr(zipfile.ZipInfo(f"arr_{i}.npy"), image.getvalue())
with np.load(plain) as loaded, \
        np.load(os.path.join(here, "savez_f32_2x3_f32_4.npz")) as saved:
    assert loaded.files == saved.files == ["arr_0", "arr_1"]
    for i, array in enumerate(f32_pair):
        for got in (loaded[f"arr_{i}"], saved[f"arr_{i}"]):
            assert got.dtype == array.dtype and np.array_equal(got, array)
