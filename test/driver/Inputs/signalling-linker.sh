#!/bin/sh
# Stands in for the C++ compiler driver that links a program: records its pid
# in $STRATA_TEST_LINKER_PID, sends $STRATA_TEST_SIGNAL to stratac (its parent)
# and then hangs, as a slow linker would.
echo $$ > "$STRATA_TEST_LINKER_PID"
kill -s "$STRATA_TEST_SIGNAL" "$PPID"
exec sleep 60
