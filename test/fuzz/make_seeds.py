#!/usr/bin/env python3
"""Regenerates test/fuzz/seeds/: the importer's ONNX-text test models as binary
protobuf, the only format the fuzzer feeds to the importer. Models that the ONNX
text parser rejects are skipped (the importer tests cover them as text).

    .venv/bin/python test/fuzz/make_seeds.py
"""
import pathlib

import onnx
import onnx.parser

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = ROOT / "test" / "fuzz" / "seeds"


def main():
    SEEDS.mkdir(exist_ok=True)
    for old in SEEDS.glob("*.onnx"):
        old.unlink()
    for text_file in sorted((ROOT / "test" / "onnx").rglob("*.onnxtext")):
        try:
            model = onnx.parser.parse_model(text_file.read_text())
        except onnx.parser.ParseError:
            continue
        name = "-".join(text_file.relative_to(ROOT / "test" / "onnx").with_suffix("").parts)
        (SEEDS / f"{name}.onnx").write_bytes(model.SerializeToString())


if __name__ == "__main__":
    main()
