"""Notifications tables (the messages and delivery log arrive with issue 5)."""
from sqlalchemy import MetaData

metadata = MetaData()
