"""A process-wide cache of booking's catalogue copies (centres, spaces,
services, specialists, schedules, programmes, sessions): read on every booking
and availability query, changed a few times a day.

Freshness does not depend on this process seeing the registry events (booking
processes share one queue, so each sees only some): every write of a copy
gives its kind a new random token in `copy_versions`, in the same transaction,
and each unit of work reads the tokens (one small query) before trusting what
is cached. Tokens are random, not counters, so a cache can never mistake
another database's (or a recreated database's) rows for its own. Members are
not cached: they change with every registration."""
import weakref
from dataclasses import dataclass

# every kind copied from the registry (members are copied apart, and not cached)
from jastar_common.contracts import BOOKING_COPIED_KINDS as CATALOGUE_KINDS  # noqa: F401 (for repository)


@dataclass(frozen=True)
class KindCopies:
    token: str
    by_id: dict
    ordered: tuple  # by id, as CopyRepository.all returns them


class CatalogueCache:
    def __init__(self):
        self._kinds = {}

    def copies(self, kind, token, load):
        """The views of `kind` as of `token`; `load()` reads them when the
        cache holds another token. Rows loaded after the token was read can
        only be newer, and are kept under the older token: at worst the next
        unit of work loads them again, never the reverse."""
        hit = self._kinds.get(kind)
        if hit is not None and hit.token == token:
            return hit
        views = tuple(load())
        entry = KindCopies(token, {view.id: view for view in views}, views)
        self._kinds[kind] = entry
        return entry


_CACHES = weakref.WeakKeyDictionary()


def cache_for(session_factory):
    """One cache per session factory (per database, per process)."""
    cache = _CACHES.get(session_factory)
    if cache is None:
        cache = _CACHES[session_factory] = CatalogueCache()
    return cache
