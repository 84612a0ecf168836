from jastar_gateway.cache import TtlCache


def test_a_value_is_shared_until_it_expires_and_zero_turns_it_off():
    cache, calls = TtlCache(), []

    def fetch():
        calls.append(1)
        return len(calls)

    assert cache.get_or_call("k", 5, fetch, now=100) == 1
    assert cache.get_or_call("k", 5, fetch, now=104.9) == 1
    assert cache.get_or_call("k", 5, fetch, now=105.1) == 2
    assert cache.get_or_call("k", 0, fetch, now=105.2) == 3


def test_memory_stays_bounded():
    cache = TtlCache(max_items=10)
    for n in range(100):
        cache.get_or_call(f"k{n}", 60, lambda: n, now=1)
    assert len(cache.items) <= 10
