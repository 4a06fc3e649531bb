"""Parses an ONNX text file with the onnx package and saves it as a binary
model (the onnx library stratac links may be older and not know the `[name]`
syntax that names nodes):

  to_onnx.py IN.onnxtext OUT.onnx
"""
import sys

import onnx
import onnx.parser

with open(sys.argv[1]) as f:
    model = onnx.parser.parse_model(f.read())
onnx.checker.check_model(model)
onnx.save(model, sys.argv[2])
