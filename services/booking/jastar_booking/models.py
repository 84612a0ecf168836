"""Booking tables and the classical mapping of the domain onto them."""
from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.orm import registry as mapper_registry

from .domain import model

metadata = MetaData()

centre_copies = Table(
    "centre_copies", metadata,
    Column("centre_id", String(40), primary_key=True),
    Column("district_id", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("last_event_id", String(36), nullable=False),
)

_mappers = mapper_registry()


def start_mappers():
    if not _mappers.mappers:
        _mappers.map_imperatively(model.CentreCopy, centre_copies)
