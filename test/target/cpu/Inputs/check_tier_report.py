"""Checks a tiered program's device memory against its budget: the arenas its
--report lists in device memory (activations and slots) plus the weights its
plan (PLAN, the --compile-to=plan output) keeps resident add up to at most
BUDGET bytes. Prints the measured figure next to the plan's prediction.

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
arenas = [int(m.group(1)) for m in re.finditer(r"arena \d+ \(device memory\): (\d+) bytes",
                                               sys.stdin.read())]
assert arenas, "the report lists no arena in device memory"
measured = sum(arenas) + resident
assert measured <= budget, f"device memory {measured} bytes, over the budget {budget}"
print(f"device memory: {measured} bytes ({sum(arenas)} in {len(arenas)} arenas, {resident} of "
      f"resident weights), predicted {plan.group(1)}, within the budget")
