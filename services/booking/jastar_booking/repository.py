"""Booking repositories and unit of work."""
from sqlalchemy import select

from jastar_common.uow import SqlUnitOfWork

from .domain import model
from .domain.events import EVENT_TYPES


class CentreCopyRepository:
    def __init__(self, session):
        self.session = session

    def add(self, copy):
        self.session.add(copy)

    def get(self, centre_id):
        return self.session.get(model.CentreCopy, centre_id)

    def list(self):
        return list(self.session.scalars(select(model.CentreCopy).order_by(model.CentreCopy.centre_id)))


class BookingUnitOfWork(SqlUnitOfWork):
    event_types = EVENT_TYPES

    def _open(self, session):
        self.centres = CentreCopyRepository(session)
