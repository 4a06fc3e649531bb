"""The training text of the byte-level GPT: the King James Bible of Debian's
`bible-kjv` package (public domain), one verse per line with the reference
prefix ("Ge1:1 ") stripped, and its split into training and validation bytes
(every 20th block of 16 KiB held out). Used by train_byte_gpt.py (PyTorch)
and train_with_strata.py; needs only the standard library."""

import pathlib
import re
import subprocess

VAL_EVERY = 20  # every 20th block is held out
VAL_BLOCK = 16 * 1024


def prepare(path: pathlib.Path) -> None:
    raw = subprocess.run(
        ["bible", "-f", "Gen1:1-Rev22:21"], check=True, capture_output=True, text=True
    ).stdout
    lines = raw.splitlines()
    ref = re.compile(r"^[1-3]?[A-Za-z]+[0-9]+:[0-9]+ ")
    verses = [ref.sub("", line, count=1) for line in lines if line.strip()]
    assert all(ref.match(line) for line in lines if line.strip()), "unexpected verse format"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(verses) + "\n", encoding="ascii")
    print(f"wrote {path}: {len(verses)} verses, {path.stat().st_size} bytes")


def split(data: bytes) -> tuple[bytes, bytes]:
    """The training and validation bytes of the text."""
    blocks = [data[i:i + VAL_BLOCK] for i in range(0, len(data), VAL_BLOCK)]
    train = b"".join(b for i, b in enumerate(blocks) if i % VAL_EVERY != VAL_EVERY - 1)
    val = b"".join(b for i, b in enumerate(blocks) if i % VAL_EVERY == VAL_EVERY - 1)
    return train, val
