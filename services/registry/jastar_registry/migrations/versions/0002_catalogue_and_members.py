"""the whole catalogue (regions, spaces, partners, services, specialists,
schedules, programmes, sessions) and members

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _names():
    return [sa.Column("name_kk", sa.String(200), nullable=False),
            sa.Column("name_ru", sa.String(200), nullable=False)]


def _status():
    return [sa.Column("status", sa.String(20), nullable=False, index=True),
            sa.Column("updated_at", TS, nullable=False)]


def _ref(name, target, **kw):
    return sa.Column(name, sa.String(40), sa.ForeignKey(f"{target}.id"), index=True, **kw)


def upgrade():
    op.create_table("regions", sa.Column("id", sa.String(40), primary_key=True), *_names(),
                    sa.Column("youth_population", sa.Integer), *_status())
    with op.batch_alter_table("districts") as batch:
        batch.add_column(sa.Column("region_id", sa.String(40)))
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="district"))
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="open"))
        batch.create_index("ix_districts_status", ["status"])
    with op.batch_alter_table("centres") as batch:
        batch.add_column(sa.Column("floors", sa.Integer))
        batch.add_column(sa.Column("area_m2", sa.Integer))
        batch.add_column(sa.Column("planned_year", sa.Integer))
        batch.add_column(sa.Column("opening_hours", sa.JSON, nullable=False, server_default="{}"))
        batch.add_column(sa.Column("closed_dates", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("time_zone", sa.String(40), nullable=False, server_default="Asia/Almaty"))

    op.create_table(
        "spaces", sa.Column("id", sa.String(40), primary_key=True),
        _ref("centre_id", "centres", nullable=False),
        sa.Column("kind", sa.String(30), nullable=False, index=True), *_names(),
        sa.Column("capacity", sa.Integer, nullable=False), sa.Column("floor", sa.Integer),
        sa.Column("grid_minutes", sa.Integer, nullable=False),
        sa.Column("min_minutes", sa.Integer, nullable=False),
        sa.Column("max_minutes", sa.Integer, nullable=False),
        sa.Column("buffer_minutes", sa.Integer, nullable=False),
        sa.Column("needs_approval", sa.Boolean, nullable=False),
        sa.Column("equipment", sa.JSON, nullable=False), sa.Column("opens_on", sa.Date),
        *_status())
    op.create_table(
        "partners", sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False), *_names(),
        sa.Column("website", sa.String(300)), *_status())
    op.create_table(
        "services", sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("topic", sa.String(30), nullable=False, index=True), *_names(),
        sa.Column("slot_minutes", sa.Integer, nullable=False), _ref("partner_id", "partners"),
        sa.Column("centre_ids", sa.JSON, nullable=False), *_status())
    op.create_table(
        "specialists", sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("title_kk", sa.String(200), nullable=False),
        sa.Column("title_ru", sa.String(200), nullable=False),
        _ref("partner_id", "partners"), _ref("centre_id", "centres"),
        sa.Column("service_ids", sa.JSON, nullable=False),
        sa.Column("languages", sa.JSON, nullable=False), *_status())
    op.create_table(
        "schedules", sa.Column("id", sa.String(40), primary_key=True),
        _ref("specialist_id", "specialists", nullable=False), _ref("centre_id", "centres", nullable=False),
        sa.Column("weekly", sa.JSON, nullable=False), sa.Column("exceptions", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date), sa.Column("valid_to", sa.Date), *_status())
    op.create_table(
        "programmes", sa.Column("id", sa.String(40), primary_key=True),
        _ref("centre_id", "centres", nullable=False),
        sa.Column("kind", sa.String(20), nullable=False, index=True), *_names(),
        sa.Column("description_kk", sa.Text, nullable=False),
        sa.Column("description_ru", sa.Text, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("min_age", sa.Integer, nullable=False), sa.Column("max_age", sa.Integer, nullable=False),
        sa.Column("target_group", sa.String(40)), sa.Column("languages", sa.JSON, nullable=False),
        sa.Column("is_free", sa.Boolean, nullable=False),
        sa.Column("whole_course", sa.Boolean, nullable=False), *_status())
    op.create_table(
        "sessions", sa.Column("id", sa.String(40), primary_key=True),
        _ref("programme_id", "programmes", nullable=False),
        sa.Column("centre_id", sa.String(40), nullable=False, index=True),
        sa.Column("space_id", sa.String(40), sa.ForeignKey("spaces.id")),
        sa.Column("starts_at", TS, nullable=False, index=True), sa.Column("ends_at", TS, nullable=False),
        sa.Column("capacity", sa.Integer), sa.Column("language", sa.String(2), nullable=False),
        *_status())
    op.create_table(
        "members", sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("full_name", sa.String(200)), sa.Column("birth_date", sa.Date),
        sa.Column("phone", sa.String(20), unique=True), sa.Column("email", sa.String(254)),
        sa.Column("telegram", sa.String(40)), sa.Column("district_id", sa.String(40), index=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False), sa.Column("consent_at", TS),
        sa.Column("iin_ciphertext", sa.Text), sa.Column("iin_hash", sa.String(64), unique=True),
        sa.Column("iin_last4", sa.String(4)),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("registered_at", TS, nullable=False), sa.Column("updated_at", TS, nullable=False),
        sa.Column("erased_at", TS))


def downgrade():
    for table in ("members", "sessions", "programmes", "schedules", "specialists", "services",
                  "partners", "spaces"):
        op.drop_table(table)
    with op.batch_alter_table("centres") as batch:
        for column in ("time_zone", "closed_dates", "opening_hours", "planned_year", "area_m2", "floors"):
            batch.drop_column(column)
    with op.batch_alter_table("districts") as batch:
        batch.drop_index("ix_districts_status")
        for column in ("status", "kind", "region_id"):
            batch.drop_column(column)
    op.drop_table("regions")
