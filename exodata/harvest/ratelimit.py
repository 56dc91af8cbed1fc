"""At most ``limit`` requests in any window of ``window`` seconds, on an injectable clock.

NCBI asks for no more than 3 requests a second without an API key and 10 with one (more draws a 429 and can
get an address blocked).  :class:`RateLimiter` keeps the times of the last ``limit`` requests it let through
and, before the next one, sleeps until the oldest of them is a whole window old; so between any request and
the ``limit``-th after it there is at least one window, and no window of that length ever holds more than
``limit`` requests.  (A token bucket allows a burst of ``limit`` at the end of one second and another at the
start of the next: two bursts within a fraction of a second; this does not.)

The clock and the sleep are injected: a test gives a virtual clock whose sleep advances it, runs a whole
harvest against the fake services in no time, and checks the request times the fake saw on that clock.
``margin`` widens the window in real use, for the network's jitter between us and the service's counter.

A limiter knows only its own process's requests, and a fetch killed and started again at once (by hand or by a
supervisor) would add its first requests to the last ones of the killed run in the service's count.  With
``assume_full`` a limiter starts as if a whole allowance had just been spent, so its first request waits one
window: no window then holds requests of two runs, and neither run exceeds the limit on its own.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

#: Requests a second NCBI allows without and with an API key.
NCBI_WITHOUT_KEY = 3
NCBI_WITH_KEY = 10
#: Europe PMC publishes no limit; we keep to NCBI's keyless pace.
EUROPE_PMC = 3
#: Added to the one-second window against real services (not on a virtual clock).
REAL_MARGIN = 0.05


class RateLimiter:
    """Let through at most ``limit`` calls of :meth:`acquire` in any ``window`` seconds of ``clock``."""

    def __init__(self, limit: int, window: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, assume_full: bool = False) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque(maxlen=limit)
        if assume_full:  # another run may have spent the allowance just now: the first request waits a window
            self._sent.extend([clock()] * limit)
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until one more request fits, count it, and return its time on the clock."""
        with self._lock:
            while True:
                now = self.clock()
                if len(self._sent) < self.limit or now - self._sent[0] >= self.window:
                    self._sent.append(now)  # the deque's maxlen drops the oldest
                    return now
                # a microsecond more: a float wait that lands a rounding error short would never get there
                self.sleep(self._sent[0] + self.window - now + 1e-6)


class VirtualClock:
    """A clock that only moves when slept on (for tests and dry runs of the pacing): ``sleep(s)`` adds ``s``."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)
