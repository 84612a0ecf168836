"""A token bucket per client, in this gateway process. With several gateway
replicas each keeps its own buckets: the limit per client is then up to
replicas x rate (put a shared limiter at the ingress if that matters)."""
import time


class RateLimiter:
    def __init__(self, rate, burst, max_clients=100_000):
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self.buckets = {}  # client -> (tokens, last time)

    def take(self, client, now=None):
        """0 when the request may go on, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self.buckets) >= self.max_clients and client not in self.buckets:
            self.buckets.clear()  # memory stays bounded; a reset only forgives
        self.buckets[client] = (tokens - 1, now)
        return 0
