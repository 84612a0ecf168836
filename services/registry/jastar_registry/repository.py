"""Repositories over a SQLAlchemy session, and the registry's unit of work."""
from sqlalchemy import select

from jastar_common.uow import SqlUnitOfWork

from .domain import model
from .domain.events import EVENT_TYPES


class SqlRepository:
    entity = None

    def __init__(self, session):
        self.session = session

    def add(self, obj):
        self.session.add(obj)

    def get(self, obj_id):
        return self.session.get(self.entity, obj_id)

    def _list(self, *where, order_by="id"):
        query = select(self.entity).where(*where).order_by(getattr(self.entity, order_by))
        return list(self.session.scalars(query))


class DistrictRepository(SqlRepository):
    entity = model.District

    def list(self):
        return self._list()


class CentreRepository(SqlRepository):
    entity = model.Centre

    def list(self, district_id=None, status=None):
        where = []
        if district_id:
            where.append(model.Centre.district_id == district_id)
        if status:
            where.append(model.Centre.status == status)
        return self._list(*where)


class RegistryUnitOfWork(SqlUnitOfWork):
    event_types = EVENT_TYPES

    def _open(self, session):
        self.districts = DistrictRepository(session)
        self.centres = CentreRepository(session)
