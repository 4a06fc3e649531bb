"""Writes a copy of a Strata weights file (include/strata/weights.h) with one
bit of the tensor NAME flipped, so that only that tensor's checksum fails.

  python corrupt_weight.py FILE.weights NAME OUT.weights
"""
import struct
import sys

HEADER = 64
ENTRY = 40

path, wanted, out = sys.argv[1:4]
data = bytearray(open(path, "rb").read())
_, _, count, _, _, names_bytes, data_offset = struct.unpack_from("<8sIIQQQQ", data, 0)
names_at = HEADER + ENTRY * count
for i in range(count):
    name_offset, name_size, offset, nbytes, _ = struct.unpack_from("<QQQQQ", data, HEADER + ENTRY * i)
    name = data[names_at + name_offset : names_at + name_offset + name_size].decode()
    if name == wanted:
        assert nbytes > 0, f"tensor {name} is empty"
        data[data_offset + offset + nbytes // 2] ^= 1
        open(out, "wb").write(data)
        print(f"flipped a bit of {name} ({nbytes} bytes at offset {offset})")
        break
else:
    sys.exit(f"no tensor named {wanted!r} in {path}")
