"""Registry tables, and the mapping of the plain domain classes onto them
(classical mapping: the domain imports nothing of SQLAlchemy)."""
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table
from sqlalchemy.orm import registry as mapper_registry

from .domain import model

metadata = MetaData()

districts = Table(
    "districts", metadata,
    Column("id", String(40), primary_key=True),
    Column("name_kk", String(200), nullable=False),
    Column("name_ru", String(200), nullable=False),
    Column("admin_centre", String(200), nullable=False),
    Column("youth_population", Integer),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

centres = Table(
    "centres", metadata,
    Column("id", String(40), primary_key=True),
    Column("district_id", ForeignKey("districts.id"), nullable=False, index=True),
    Column("name_kk", String(200), nullable=False),
    Column("name_ru", String(200), nullable=False),
    Column("address", String(300), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("opening_date", Date),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

_mappers = mapper_registry()


def start_mappers():
    if _mappers.mappers:
        return
    _mappers.map_imperatively(model.District, districts)
    _mappers.map_imperatively(model.Centre, centres)
