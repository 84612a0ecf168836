"""Small time-to-live caches, one set per gateway process.

CATALOGUE holds the public catalogue (centres, districts, services,
programmes): it changes a few times a day and is read on every app start.
CATALOGUE_CACHE_SECONDS (default 5; 0 turns it off) bounds how stale a read
may be.

AVAILABILITY holds booking's availability answers, keyed by the exact RPC
request. Events drop it (invalidation.py) and so does this process's own
booking change; AVAILABILITY_CACHE_SECONDS (default 5; 0 turns it off) is the
backstop for an event that is late or lost."""
import time


class TtlCache:
    def __init__(self, max_items=2000):
        self.max_items = max_items
        self.items = {}  # key -> (expires at, value)
        # bumped by invalidate_all: a fill that started before an invalidation
        # may carry an answer computed before the change, so it is not stored
        self.generation = 0

    def get_or_call(self, key, ttl, call, now=None):
        if ttl <= 0:
            return call()
        now = time.monotonic() if now is None else now
        hit = self.items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        generation = self.generation
        value = call()
        if generation != self.generation:
            return value  # answered for this caller, but maybe stale: not for the next
        if len(self.items) >= self.max_items:
            self.items = {k: v for k, v in self.items.items() if v[0] > now}
            if len(self.items) >= self.max_items:
                self.items.clear()  # memory stays bounded
        self.items[key] = (now + ttl, value)
        return value

    def invalidate_all(self):
        self.generation += 1
        self.items = {}


CATALOGUE = TtlCache()
AVAILABILITY = TtlCache()
