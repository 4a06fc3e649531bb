"""Checks a tiered program's device memory against its budget: the arenas its
--report lists in device memory (activations and slots), the KV caches it
keeps in device memory, and the weights its plan (PLAN, the
--compile-to=plan output) keeps resident add up to at most BUDGET bytes. Prints the measured figure next to the plan's prediction. The
report's predicted copy and stall times and overlap must be the plan's, and
the copies it measured must have taken time.

  program --report ... | python check_tier_report.py PLAN BUDGET
"""
import re
import sys

plan_text = open(sys.argv[1]).read()
budget = int(sys.argv[2])
plan = re.search(r"#tier\.plan<.*?gpu_bytes = (\d+)", plan_text)
assert plan, "the plan output has no tier.plan"
resident = sum(int(m.group(1)) for m in re.finditer(
    r'#tier\.placement<"[^"]*", home = gpu, bytes = (\d+)', plan_text))
report = sys.stdin.read()
arenas = [int(m.group(1)) for m in re.finditer(r"arena \d+ \(device memory\): (\d+) bytes",
                                               report)]
assert arenas, "the report lists no arena in device memory"
caches = re.search(r"KV caches? appended to in place: (\d+) bytes of device memory", report)
cache_bytes = int(caches.group(1)) if caches else 0
measured = sum(arenas) + resident + cache_bytes
assert measured <= budget, f"device memory {measured} bytes, over the budget {budget}"
print(f"device memory: {measured} bytes ({sum(arenas)} in {len(arenas)} arenas, {resident} of "
      f"resident weights, {cache_bytes} of KV caches), predicted {plan.group(1)}, within the "
      f"budget")

times = re.search(r"#tier\.plan<.*?copy_ns = (\d+), stall_ns = (\d+)", plan_text)
assert times, "the plan has no copy and stall times"
copy_ns, stall_ns = int(times.group(1)), int(times.group(2))
copies = re.search(r"copies per run ([0-9.]+) ms predicted, ([0-9.]+) measured; the compute "
                   r"waited for them ([0-9.]+) ms predicted, ([0-9.]+) measured", report)
assert copies, "the report has no copy times"
assert abs(float(copies.group(1)) - copy_ns / 1e6) < 1e-3, (copies.group(1), copy_ns)
assert abs(float(copies.group(3)) - stall_ns / 1e6) < 1e-3, (copies.group(3), stall_ns)
if copy_ns > 0:
    assert float(copies.group(2)) > 0, "the copies the plan makes took no time"
overlap = re.search(r"overlap: ([0-9.]+) of the copy time hidden behind compute predicted", report)
assert overlap, "the report has no overlap"
expected = max(0.0, 1 - stall_ns / copy_ns) if copy_ns else 1.0
assert abs(float(overlap.group(1)) - expected) < 1e-3, (overlap.group(1), expected)
print(f"copies: {copies.group(2)} ms measured, {copy_ns / 1e6:.3f} predicted; "
      f"overlap {overlap.group(1)} predicted")
