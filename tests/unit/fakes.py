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

    def list(self, **filters):
        return [obj for _, obj in sorted(self.items.items())
                if all(value is None or getattr(obj, name) == value for name, value in filters.items())]


class FakeUnitOfWork:
    """Records what a real one would publish; commit makes it 'published'."""

    def __init__(self, **repositories):
        for name, repository in repositories.items():
            setattr(self, name, repository)
        self.pending = []
        self.published = []
        self.inbox = set()
        self.pending_inbox = set()
        self.commits = 0

    def __enter__(self):
        return self

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
