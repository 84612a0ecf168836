"""A small time-to-live cache for the public catalogue (centres, districts,
services, programmes): it changes a few times a day and is read on every app
start. CATALOGUE_CACHE_SECONDS (default 5; 0 turns it off) bounds how stale a
read may be, per gateway process."""
import time


class TtlCache:
    def __init__(self, max_items=2000):
        self.max_items = max_items
        self.items = {}  # key -> (expires at, value)

    def get_or_call(self, key, ttl, call, now=None):
        if ttl <= 0:
            return call()
        now = time.monotonic() if now is None else now
        hit = self.items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = call()
        if len(self.items) >= self.max_items:
            self.items = {k: v for k, v in self.items.items() if v[0] > now}
            if len(self.items) >= self.max_items:
                self.items.clear()  # memory stays bounded
        self.items[key] = (now + ttl, value)
        return value


CATALOGUE = TtlCache()
