"""Repositories over a SQLAlchemy session, and the registry's unit of work."""
from sqlalchemy import String, cast, func, or_, select

from jastar_common.uow import SqlUnitOfWork

from .domain import catalogue, model

# filter suffixes the search understands; a bare name is equality
_OPERATORS = {
    "__contains": lambda column, value: cast(column, String).like(f'%"{value}"%'),  # JSON list
    "__gte": lambda column, value: column >= value,
    "__lt": lambda column, value: column < value,
}


class SqlRepository:
    def __init__(self, session, entity):
        self.session = session
        self.entity = entity

    def add(self, obj):
        self.session.add(obj)

    def get(self, obj_id):
        return self.session.get(self.entity, obj_id)

    def get_many(self, obj_ids):
        """Those of these ids that exist, in one query."""
        return list(self.session.scalars(select(self.entity).where(self.entity.id.in_(list(obj_ids)))))

    def search(self, filters=None, q=None, search_fields=(), limit=50, offset=0):
        where = [self._condition(name, value) for name, value in (filters or {}).items()
                 if value is not None]
        if q and search_fields:
            pattern = f"%{q.lower()}%"
            where.append(or_(*[func.lower(getattr(self.entity, name)).like(pattern)
                               for name in search_fields]))
        total = self.session.scalar(select(func.count()).select_from(self.entity).where(*where))
        query = select(self.entity).where(*where).order_by(*self._order()).limit(limit).offset(offset)
        return list(self.session.scalars(query)), total

    def list(self, **filters):
        return self.search(filters, limit=10_000)[0]

    def _condition(self, name, value):
        for suffix, build in _OPERATORS.items():
            if name.endswith(suffix):
                return build(getattr(self.entity, name.removesuffix(suffix)), value)
        return getattr(self.entity, name) == value

    def _order(self):
        if hasattr(self.entity, "starts_at"):
            return (self.entity.starts_at, self.entity.id)
        return (self.entity.id,)


class MemberRepository(SqlRepository):
    def __init__(self, session):
        super().__init__(session, model.Member)

    def get_by_phone(self, phone):
        return self.session.scalar(select(model.Member).where(model.Member.phone == phone))

    def get_by_iin_hash(self, iin_hash):
        return self.session.scalar(select(model.Member).where(model.Member.iin_hash == iin_hash))


class RegistryUnitOfWork(SqlUnitOfWork):
    event_types = catalogue.EVENT_TYPES | model.MEMBER_EVENT_TYPES

    def _open(self, session):
        self._repositories = {name: SqlRepository(session, kind.cls)
                              for name, kind in catalogue.KINDS.items()}
        self._repositories["region"] = SqlRepository(session, model.Region)
        self.members = MemberRepository(session)
        self.districts = self._repositories["district"]
        self.centres = self._repositories["centre"]

    def repository(self, kind):
        return self._repositories[kind]
