"""In-memory stand-ins for the units of work, so domain use cases run with no
database or broker (cosmicpython's fakes). One fake unit of work for every
service, held to the same abstract base as the real one."""
import copy

from jastar_common.envelope import Envelope
from jastar_common.uow import AbstractUnitOfWork


class FakeRepository:
    def __init__(self, key="id"):
        self.key = key
        self.items = {}

    def add(self, obj):
        self.items[getattr(obj, self.key)] = obj

    def get(self, obj_id):
        return self.items.get(obj_id)

    def get_many(self, obj_ids):
        return [self.items[obj_id] for obj_id in obj_ids if obj_id in self.items]

    def list(self, **filters):
        return self.search(filters, limit=10_000)[0]

    def search(self, filters=None, q=None, search_fields=(), limit=50, offset=0):
        def matches(obj):
            for name, value in (filters or {}).items():
                field, _, op = name.partition("__")
                have = getattr(obj, field)
                test = {"": lambda: have == value, "contains": lambda: value in (have or []),
                        "gte": lambda: have is not None and have >= value,
                        "lt": lambda: have is not None and have < value}[op]
                if value is not None and not test():
                    return False
            return not q or any(q.lower() in (getattr(obj, f) or "").lower() for f in search_fields)

        found = [obj for _, obj in sorted(self.items.items()) if matches(obj)]
        return found[offset:offset + limit], len(found)


class FakeUnitOfWork(AbstractUnitOfWork):
    """The repositories given (each also an attribute) kept in memory, with the
    real unit of work's transaction: commit keeps the changes and the inbox
    marks and publishes what was emitted (`published`: (type, data) pairs);
    rollback, or leaving without commit, puts the repositories and the inbox
    back as they were at the last commit and drops what was emitted."""

    def __init__(self, event_types=None, **repositories):
        self.event_types = event_types  # None: any event (the real one refuses undocumented ones)
        self._repositories = dict(repositories)
        for name, repository in repositories.items():
            setattr(self, name, repository)
        self.inbox = set()  # (consumer, event id)
        self.pending = []
        self.published = []
        self.commits = 0
        self._saved = None

    def repository(self, kind):
        """Per-kind repositories (the registry's catalogue), made on demand."""
        return self._repositories.setdefault(kind, FakeRepository())

    def __enter__(self):
        self._save()
        return self

    def __exit__(self, *exc_info):
        self.rollback()

    def emit(self, event_type, data, version=1):
        if self.event_types is not None and event_type not in self.event_types:
            raise ValueError(f"{event_type!r} is not among the documented events")
        self.pending.append((event_type, data))
        return Envelope(type=event_type, source="fake", data=data, version=version)

    def first_delivery(self, consumer, envelope):
        if (consumer, envelope.id) in self.inbox:
            return False
        self.inbox.add((consumer, envelope.id))
        return True

    def commit(self):
        self.published += self.pending
        self.pending = []
        self.commits += 1
        self._save()

    def rollback(self):
        self.pending = []
        if self._saved is None:
            return
        # put each object saved back in place, as it was: objects (and
        # repositories) a test or a use case holds stay the ones in the store
        originals = {id(self): self, **{id(saved): obj for saved, obj in self._pairs}}
        for saved, obj in self._pairs:
            state = copy.deepcopy(vars(saved), originals)
            vars(obj).clear()
            vars(obj).update(state)
        repositories, inbox = copy.deepcopy(self._saved, originals)
        self._repositories.clear()  # one made since the last commit is gone again
        self._repositories.update(repositories)
        self.inbox.clear()
        self.inbox.update(inbox)

    def _save(self):
        memo = {id(self): self}  # a repository may refer to its unit of work: not copied
        self._saved = copy.deepcopy((self._repositories, self.inbox), memo)
        self._pairs = [(memo[id(obj)], obj) for obj in memo.get(id(memo), ())
                       if hasattr(obj, "__dict__")]
