"""Prints a Strata weights file's header and index (include/strata/weights.h,
version 3), checking the layout, each tensor's alignment and checksum, and the
model id independently of the runtime.

  python read_weights_index.py FILE.weights
"""
import struct
import sys

MASK = (1 << 64) - 1
ALIGNMENT = 4096
HEADER = 64
ENTRY = 40


def checksum(data):
    """64-bit FNV-1a over little-endian 8-byte words, then the tail bytes."""
    h = 0xCBF29CE484222325
    words = len(data) // 8
    for (w,) in struct.iter_unpack("<Q", data[: 8 * words]):
        h = ((h ^ w) * 0x100000001B3) & MASK
    for byte in data[8 * words :]:
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


data = open(sys.argv[1], "rb").read()
magic, version, count, model_id, size, names_bytes, data_offset, layout_id = struct.unpack_from(
    "<8sIIQQQQQ", data, 0
)
assert magic == b"STRATAW1", magic
assert size == len(data), (size, len(data))
names_at = HEADER + ENTRY * count
assert data_offset % ALIGNMENT == 0 and data_offset >= names_at + names_bytes, data_offset
print(f"version {version}, {count} tensors, file size {size}, data region at {data_offset}")
assert checksum(data[HEADER : names_at + names_bytes]) == model_id, "model id is not the index checksum"
# The layout id covers the index with each tensor's checksum taken as zero.
index = bytearray(data[HEADER : names_at + names_bytes])
for i in range(count):
    struct.pack_into("<Q", index, ENTRY * i + 32, 0)
assert checksum(bytes(index)) == layout_id, "layout id is not the checksum of the bare index"
names = data[names_at : names_at + names_bytes]
region = data[data_offset:]
for i in range(count):
    name_offset, name_size, offset, nbytes, check = struct.unpack_from("<QQQQQ", data, HEADER + ENTRY * i)
    assert names[name_offset + name_size] == 0, "name not followed by a NUL"
    name = names[name_offset : name_offset + name_size].decode()
    assert offset % ALIGNMENT == 0, offset
    ok = "ok" if checksum(region[offset : offset + nbytes]) == check else "MISMATCH"
    print(f"tensor {name}: offset {offset}, {nbytes} bytes, checksum {ok}")
