"""Prints a Strata weights file's header and index (include/strata/weights.h),
checking each tensor's alignment and checksum independently of the runtime.

  python read_weights_index.py FILE.weights
"""
import struct
import sys

MASK = (1 << 64) - 1


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
magic, version, count, model_id, size = struct.unpack_from("<8sIIQQ", data, 0)
assert magic == b"STRATAW1", magic
assert size == len(data), (size, len(data))
print(f"version {version}, {count} tensors, file size {size}")
index = data[64 : 64 + 96 * count]
assert checksum(index) == model_id, "model id is not the index checksum"
for i in range(count):
    name, offset, nbytes, check, _ = struct.unpack_from("<64sQQQQ", index, 96 * i)
    assert offset % 4096 == 0, offset
    ok = "ok" if checksum(data[offset : offset + nbytes]) == check else "MISMATCH"
    print(f"tensor {name.rstrip(bytes(1)).decode()}: offset {offset}, {nbytes} bytes, checksum {ok}")
