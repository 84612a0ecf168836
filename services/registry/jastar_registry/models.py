"""Registry tables, and the classical mapping of the plain domain classes onto
them (the domain imports nothing of SQLAlchemy)."""
from sqlalchemy import (
    JSON, Boolean, Column, Date, ForeignKey, Integer, MetaData, String, Table, Text,
)
from sqlalchemy.orm import registry as mapper_registry

from jastar_common.types import UtcDateTime

from .domain import model

metadata = MetaData()


def _names():
    return [Column("name_kk", String(200), nullable=False), Column("name_ru", String(200), nullable=False)]


def _status():
    return [Column("status", String(20), nullable=False, index=True),
            Column("updated_at", UtcDateTime, nullable=False)]


regions = Table(
    "regions", metadata,
    Column("id", String(40), primary_key=True), *_names(),
    Column("youth_population", Integer),
    *_status(),
)

districts = Table(
    "districts", metadata,
    Column("id", String(40), primary_key=True), *_names(),
    Column("region_id", String(40)),
    Column("kind", String(20), nullable=False),
    Column("admin_centre", String(200), nullable=False),
    Column("youth_population", Integer),
    *_status(),
)

centres = Table(
    "centres", metadata,
    Column("id", String(40), primary_key=True),
    Column("district_id", ForeignKey("districts.id"), nullable=False, index=True), *_names(),
    Column("address", String(300), nullable=False),
    Column("floors", Integer), Column("area_m2", Integer),
    Column("opening_date", Date), Column("planned_year", Integer),
    Column("opening_hours", JSON, nullable=False),
    Column("closed_dates", JSON, nullable=False),
    Column("time_zone", String(40), nullable=False),
    *_status(),
)

spaces = Table(
    "spaces", metadata,
    Column("id", String(40), primary_key=True),
    Column("centre_id", ForeignKey("centres.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False, index=True), *_names(),
    Column("capacity", Integer, nullable=False), Column("floor", Integer),
    Column("grid_minutes", Integer, nullable=False), Column("min_minutes", Integer, nullable=False),
    Column("max_minutes", Integer, nullable=False), Column("buffer_minutes", Integer, nullable=False),
    Column("needs_approval", Boolean, nullable=False),
    Column("equipment", JSON, nullable=False),
    Column("opens_on", Date),
    *_status(),
)

partners = Table(
    "partners", metadata,
    Column("id", String(40), primary_key=True),
    Column("kind", String(30), nullable=False), *_names(),
    Column("website", String(300)),
    *_status(),
)

services = Table(
    "services", metadata,
    Column("id", String(40), primary_key=True),
    Column("topic", String(30), nullable=False, index=True), *_names(),
    Column("slot_minutes", Integer, nullable=False),
    Column("partner_id", ForeignKey("partners.id"), index=True),
    Column("centre_ids", JSON, nullable=False),
    *_status(),
)

specialists = Table(
    "specialists", metadata,
    Column("id", String(40), primary_key=True),
    Column("full_name", String(200), nullable=False),
    Column("title_kk", String(200), nullable=False), Column("title_ru", String(200), nullable=False),
    Column("partner_id", ForeignKey("partners.id"), index=True),
    Column("centre_id", ForeignKey("centres.id"), index=True),
    Column("service_ids", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    *_status(),
)

schedules = Table(
    "schedules", metadata,
    Column("id", String(40), primary_key=True),
    Column("specialist_id", ForeignKey("specialists.id"), nullable=False, index=True),
    Column("centre_id", ForeignKey("centres.id"), nullable=False, index=True),
    Column("weekly", JSON, nullable=False),
    Column("exceptions", JSON, nullable=False),
    Column("valid_from", Date), Column("valid_to", Date),
    *_status(),
)

programmes = Table(
    "programmes", metadata,
    Column("id", String(40), primary_key=True),
    Column("centre_id", ForeignKey("centres.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False, index=True), *_names(),
    Column("description_kk", Text, nullable=False), Column("description_ru", Text, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("min_age", Integer, nullable=False), Column("max_age", Integer, nullable=False),
    Column("target_group", String(40)),
    Column("languages", JSON, nullable=False),
    Column("is_free", Boolean, nullable=False),
    Column("whole_course", Boolean, nullable=False),
    *_status(),
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(40), primary_key=True),
    Column("programme_id", ForeignKey("programmes.id"), nullable=False, index=True),
    Column("centre_id", String(40), nullable=False, index=True),
    Column("space_id", ForeignKey("spaces.id")),
    Column("starts_at", UtcDateTime, nullable=False, index=True),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("capacity", Integer),
    Column("language", String(2), nullable=False),
    *_status(),
)

members_table = Table(
    "members", metadata,
    Column("id", String(36), primary_key=True),
    Column("full_name", String(200)),
    Column("birth_date", Date),
    Column("phone", String(20), unique=True),  # NULL once erased: many NULLs are fine
    Column("email", String(254)),
    Column("telegram", String(40)),
    Column("district_id", String(40), index=True),
    Column("language", String(2), nullable=False),
    Column("categories", JSON, nullable=False),
    Column("consent_at", UtcDateTime),
    Column("iin_ciphertext", Text),
    Column("iin_hash", String(64), unique=True),
    Column("iin_last4", String(4)),
    Column("status", String(20), nullable=False, index=True),
    Column("registered_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("erased_at", UtcDateTime),
)

TABLES = {
    model.Region: regions, model.District: districts, model.Centre: centres, model.Space: spaces,
    model.Partner: partners, model.Service: services, model.Specialist: specialists,
    model.Schedule: schedules, model.Programme: programmes, model.Session: sessions,
    model.Member: members_table,
}

_mappers = mapper_registry()


def start_mappers():
    if not _mappers.mappers:
        for cls, table in TABLES.items():
            _mappers.map_imperatively(cls, table)
