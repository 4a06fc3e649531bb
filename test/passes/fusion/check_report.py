"""Checks the figures of `stratac --report=fusion` (read from stdin) against
bounds: every layer's fused kernel count at most --max-kernels and its fused
bytes at most --max-moved percent of the unfused bytes, and at least one layer;
with --rows-moved, every row's (outside layers and the total too) at most that
percent. Prints the layer rows; exits 1 naming the first row out of bounds."""
import argparse
import re
import sys

ROW = re.compile(r"^\s+layer (\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)%")
ANY_ROW = re.compile(r"^\s+(layer \d+|outside layers|total)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+"
                     r"\s+(\d+)%")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-kernels", type=float, required=True)
    parser.add_argument("--max-moved", type=float, required=True)
    parser.add_argument("--rows-moved", type=float)
    args = parser.parse_args()
    layers = 0
    for line in sys.stdin:
        any_row = ANY_ROW.match(line)
        if args.rows_moved is not None and any_row and float(any_row.group(2)) > args.rows_moved:
            print(f"{any_row.group(1)}: {any_row.group(2)}% of the bytes "
                  f"(at most {args.rows_moved:g}%)")
            return 1
        row = ROW.match(line)
        if not row:
            continue
        layers += 1
        kernels, moved = float(row.group(3)), float(row.group(6))
        print(line.rstrip())
        if kernels > args.max_kernels or moved > args.max_moved:
            print(f"layer {row.group(1)}: {kernels:g} kernels (at most {args.max_kernels:g}), "
                  f"{moved:g}% of the bytes (at most {args.max_moved:g}%)")
            return 1
    if not layers:
        print("no layer rows in the report")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
