"""Gateway commands."""
from jastar_common.config import database_url
from jastar_common.migrations import upgrade_head


def migrate():
    upgrade_head("jastar_gateway", database_url("gateway"))
    return 0
