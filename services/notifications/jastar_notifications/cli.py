"""Notifications commands."""
from jastar_common.config import database_url
from jastar_common.migrations import upgrade_head


def migrate():
    upgrade_head("jastar_notifications", database_url("notifications"))
    return 0
