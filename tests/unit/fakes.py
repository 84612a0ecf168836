"""In-memory stand-ins for the units of work, so domain use cases run with no
database or broker (cosmicpython's fakes)."""


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


class FakeUnitOfWork:
    """Records what a real one would publish; commit makes it 'published'."""

    def __init__(self, **repositories):
        self._repositories = {}
        for name, repository in repositories.items():
            setattr(self, name, repository)
        self.pending = []
        self.published = []
        self.inbox = set()
        self.pending_inbox = set()
        self.commits = 0

    def __enter__(self):
        return self

    def repository(self, kind):
        """Per-kind repositories for the registry's catalogue, made on demand."""
        return self._repositories.setdefault(kind, FakeRepository())

    def __exit__(self, *exc_info):
        self.rollback()

    def emit(self, event_type, data, version=1):
        self.pending.append((event_type, data))

    def first_delivery(self, consumer, envelope):
        key = (consumer, envelope.id)
        if key in self.inbox or key in self.pending_inbox:
            return False
        self.pending_inbox.add(key)
        return True

    def commit(self):
        self.published += self.pending
        self.inbox |= self.pending_inbox
        self.commits += 1
        self.rollback()

    def rollback(self):
        self.pending = []
        self.pending_inbox = set()
