"""Reports commands."""
from jastar_common.config import database_url
from jastar_common.migrations import upgrade_head


def migrate():
    upgrade_head("jastar_reports", database_url("reports"))
    return 0
