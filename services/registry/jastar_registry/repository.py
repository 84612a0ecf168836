"""The registry's repositories, on the shared base (jastar_common.repository),
and its unit of work."""
from sqlalchemy import String, cast, func, or_

from jastar_common.contracts import EVENT_TYPES
from jastar_common.repository import Repository
from jastar_common.uow import SqlUnitOfWork

from .domain import catalogue, model

# filter suffixes the search understands; a bare name is equality
_OPERATORS = {
    "__contains": lambda column, value: cast(column, String).like(f'%"{value}"%'),  # JSON list
    "__gte": lambda column, value: column >= value,
    "__lt": lambda column, value: column < value,
}


class CatalogueRepository(Repository):
    """One kind of reference data (or the members): filters, a text query, pages."""

    def search(self, filters=None, q=None, search_fields=(), limit=50, offset=0):
        """(items, total) matching every filter and, if given, the text q;
        sessions by start time, the rest by id."""
        where = [self._condition(name, value) for name, value in (filters or {}).items()
                 if value is not None]
        if q and search_fields:
            pattern = f"%{q.lower()}%"
            where.append(or_(*[func.lower(getattr(self.c, name)).like(pattern) for name in search_fields]))
        order = (self.c.starts_at,) if hasattr(self.c, "starts_at") else ()
        return self.page(*where, order_by=order, limit=limit, offset=offset)

    def _condition(self, name, value):
        for suffix, build in _OPERATORS.items():
            if name.endswith(suffix):
                return build(getattr(self.c, name.removesuffix(suffix)), value)
        return getattr(self.c, name) == value


class MemberRepository(CatalogueRepository):
    entity = model.Member

    def get_by_phone(self, phone):
        return next(iter(self.find(self.c.phone == phone)), None)

    def get_by_iin_hash(self, iin_hash):
        return next(iter(self.find(self.c.iin_hash == iin_hash)), None)


class RegistryUnitOfWork(SqlUnitOfWork):
    event_types = EVENT_TYPES["registry"]

    def _open(self, session):
        self._repositories = {name: CatalogueRepository(session, kind.cls)
                              for name, kind in catalogue.KINDS.items()}
        self.members = MemberRepository(session)
        self.districts = self._repositories["district"]
        self.centres = self._repositories["centre"]

    def repository(self, kind):
        return self._repositories[kind]
