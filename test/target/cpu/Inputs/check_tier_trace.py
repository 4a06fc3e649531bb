"""Checks the trace of a tiered program's runs (TRACE, --trace's output): the
copies lie on copy-stream tracks of their own, named, apart from the track
that runs the model, and inside its runs; the model's track shows where it
waited for them. Prints the count of each.

  python check_tier_trace.py TRACE
"""
import json
import sys

events = json.load(open(sys.argv[1]))["traceEvents"]
runs = [e for e in events if e.get("cat") == "model"]
copies = [e for e in events if e.get("cat") == "copy"]
stalls = [e for e in events if e.get("cat") == "stall"]
names = {e["tid"]: e["args"]["name"] for e in events if e.get("ph") == "M"}
assert runs and copies, f"{len(runs)} runs and {len(copies)} copies traced"
model_tracks = {e["tid"] for e in runs}
copy_tracks = {e["tid"] for e in copies}
assert not model_tracks & copy_tracks, "copies traced on the model's track"
for tid in copy_tracks:
    assert names.get(tid, "").startswith("tier copy stream "), f"track {tid} is not named"
assert {e["tid"] for e in stalls} <= model_tracks, "waits traced off the model's track"
for copy in copies:
    start, end = float(copy["ts"]), float(copy["ts"]) + float(copy["dur"])
    assert any(float(r["ts"]) <= start and end <= float(r["ts"]) + float(r["dur"]) + 1
               for r in runs), f"a copy at {start} us lies outside every run"
kinds = sorted({e["name"] for e in copies})
print(f"{len(runs)} runs, {len(copies)} copies on {len(copy_tracks)} tracks ({', '.join(kinds)}), "
      f"{len(stalls)} waits")
