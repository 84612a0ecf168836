"""The base of every service's repositories: one kind of stored thing over the
unit of work's session. `entity` is a mapped class (objects go in and come
out, as in the registry and booking) or a Table (rows go in and come out as
plain dicts, as in notifications, reports and the gateway's accounts).

    class BookingRepository(Repository):
        entity = model.Booking

        def for_member(self, member_id, limit, offset):
            B = self.c
            return self.page(B.member_id == member_id,
                             order_by=(B.starts_at.desc(),), limit=limit, offset=offset)
"""
from sqlalchemy import Table, func, insert, select


class Repository:
    entity = None  # a mapped class or a Table: set by the subclass, or given
    key = "id"  # the primary key column

    def __init__(self, session, entity=None):
        self.session = session
        if entity is not None:
            self.entity = entity
        self.is_table = isinstance(self.entity, Table)

    @property
    def c(self):
        """The columns, to build conditions: `self.c.starts_at >= day`."""
        return self.entity.c if self.is_table else self.entity

    def add(self, obj):
        """Store a new object (a dict for a Table); written at commit, or
        earlier at the next query."""
        if self.is_table:
            self.session.execute(insert(self.entity).values(**obj))
        else:
            self.session.add(obj)

    def get(self, obj_id, for_update=False):
        """The one with this key, or None; `for_update` locks its row until
        commit (and reads it afresh)."""
        if not self.is_table:
            return self.session.get(self.entity, obj_id, with_for_update=for_update or None,
                                    populate_existing=for_update)
        found = self.find(getattr(self.c, self.key) == obj_id, for_update=for_update)
        return found[0] if found else None

    def get_many(self, obj_ids):
        """Those of these keys that exist, in one query, in key order."""
        return self.find(getattr(self.c, self.key).in_(list(obj_ids)))

    def find(self, *where, order_by=(), limit=None, offset=0, for_update=False, skip_locked=False):
        """Those matching all `where` conditions, in `order_by` order and then
        by key, so that pages never overlap or skip among equals. `for_update`
        locks them until commit; `skip_locked` too, leaving out rows another
        transaction has locked (processes sharing due work take other rows)."""
        query = (select(self.entity).where(*where).order_by(*self._ordered(order_by))
                 .limit(limit).offset(offset))
        if for_update or skip_locked:
            query = query.with_for_update(skip_locked=skip_locked)
        if self.is_table:
            return [dict(row) for row in self.session.execute(query).mappings()]
        return list(self.session.scalars(query))

    def count(self, *where):
        return self.session.scalar(select(func.count()).select_from(self.entity).where(*where))

    def page(self, *where, order_by=(), limit=50, offset=0):
        """(the items of one page, how many match in all)."""
        return self.find(*where, order_by=order_by, limit=limit, offset=offset), self.count(*where)

    def _ordered(self, order_by):
        key = getattr(self.c, self.key)
        return (*order_by, key) if not any(column is key for column in order_by) else tuple(order_by)
