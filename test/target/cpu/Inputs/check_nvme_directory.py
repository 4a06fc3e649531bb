"""Checks a tiered program's report (on standard input) for a run of R runs
with an NVMe directory: it wrote each byte it reads from NVMe per run once,
and the R - 1 later runs read all of them back from the directory.

  program --report --bench N ... | python check_nvme_directory.py
"""
import re
import sys

report = sys.stdin.read()
per_run = re.search(r"read from NVMe per run: \d+ bytes predicted, (\d+) measured", report)
directory = re.search(r"NVMe directory: (\d+) bytes written .*, (\d+) read back in (\d+) runs",
                      report)
assert per_run and directory, "the report has no NVMe reads or no NVMe directory line"
read, written, back, runs = (int(per_run.group(1)), int(directory.group(1)),
                             int(directory.group(2)), int(directory.group(3)))
assert written == read, f"{written} bytes written, {read} read per run"
assert back == read * (runs - 1), f"{back} bytes read back in {runs} runs, {read} per run"
print(f"NVMe directory: {written} bytes written once, {back} read back over {runs - 1} runs")
