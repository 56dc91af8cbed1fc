"""Run a command in a fresh process and measure it: wall seconds and peak resident memory.

Used by the benchmark scripts beside this file.  The command runs under a small wrapper process, so the peak
(Linux ``ru_maxrss`` of the processes the wrapper waited for: the largest single process) is the command's
own, not that of earlier commands.
"""

from __future__ import annotations

import json
import subprocess
import sys

#: argv: timeout in seconds (0: none), file for the command's stdout ("-": discard), the command.  Prints one
#: JSON line: exit code (None on timeout), wall seconds, peak RSS in KiB, the end of the command's stderr.
_WRAPPER = """
import json, resource, subprocess, sys, time
timeout, target, command = float(sys.argv[1]) or None, sys.argv[2], sys.argv[3:]
out = subprocess.DEVNULL if target == "-" else open(target, "wb")
start = time.perf_counter()
try:
    done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, timeout=timeout)
    code, stderr = done.returncode, done.stderr.decode("utf-8", "replace")[-2000:]
except subprocess.TimeoutExpired:
    code, stderr = None, ""
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "seconds": seconds, "peak_kib": peak, "stderr": stderr}))
"""


def measure(command: list[str], *, stdout: str = "-", timeout: float = 0) -> dict:
    """``{"code", "seconds", "peak_mb", "stderr"}`` of ``command`` (``code`` is None when it ran past
    ``timeout`` seconds and was stopped); its stdout goes to the file ``stdout`` or is discarded."""
    done = subprocess.run([sys.executable, "-c", _WRAPPER, str(timeout), stdout, *command],
                          capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["peak_mb"] = result.pop("peak_kib") / 1024
    return result


if __name__ == "__main__":  # python benchmarks/measure.py COMMAND...
    print(measure(sys.argv[1:]))
