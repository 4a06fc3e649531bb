#!/bin/bash
# Succeeds once the process whose pid is in file $1 has exited (within 10 s).
pid=$(cat "$1")
for _ in $(seq 100); do
  kill -0 "$pid" 2>/dev/null || exit 0
  sleep 0.1
done
echo "process $pid is still running" >&2
exit 1
