"""Stand-in for jastar_common.repository until it lands there: the shared
base of repositories over a SQLAlchemy session (registry's shape)."""
from sqlalchemy import select


class SqlRepository:
    def __init__(self, session, entity):
        self.session = session
        self.entity = entity

    def add(self, obj):
        self.session.add(obj)

    def get(self, obj_id):
        return self.session.get(self.entity, obj_id)

    def list(self, *order_by):
        return list(self.session.scalars(select(self.entity).order_by(*order_by)))
