"""Runs a command that writes into a FIFO while reading the FIFO into a file:

  read_fifo_while.py FIFO OUT COMMAND...

The reader opens the FIFO first, so the command finds a reader; exits with the
command's status (1 if the reader got nothing)."""
import subprocess
import sys
import threading

fifo, out, command = sys.argv[1], sys.argv[2], sys.argv[3:]
received = []


def read():
    with open(fifo, "rb") as f:
        received.append(f.read())


reader = threading.Thread(target=read)
reader.start()
# The reader's open returns once a writer opens; the command retries until
# then, since opening a FIFO for writing without a reader fails at once.
status = 1
for attempt in range(200):
    status = subprocess.run(command, stderr=subprocess.DEVNULL).returncode
    if status == 0:
        break
    threading.Event().wait(0.05)
if status != 0:
    # Release the reader.
    open(fifo, "wb").close()
reader.join()
with open(out, "wb") as f:
    f.write(received[0])
sys.exit(status if received[0] else 1)
