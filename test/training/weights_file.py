"""Reads a Strata weights file (include/strata/weights.h): the tensors' bytes
by name. For tests that look at what a training program's checkpoint holds."""
import struct

HEADER, ENTRY = 64, 40


def read_weights(path):
    data = open(path, "rb").read()
    magic, _, count, _, _, names_bytes, data_offset = struct.unpack_from("<8sIIQQQQ", data, 0)
    assert magic == b"STRATAW1", magic
    names = data[HEADER + ENTRY * count: HEADER + ENTRY * count + names_bytes]
    tensors = {}
    for i in range(count):
        name_offset, name_size, offset, nbytes, _ = struct.unpack_from(
            "<QQQQQ", data, HEADER + ENTRY * i)
        name = names[name_offset:name_offset + name_size].decode()
        tensors[name] = data[data_offset + offset:data_offset + offset + nbytes]
    return tensors
