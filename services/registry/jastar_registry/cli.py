"""Registry commands: migrate the database, load the demo data."""
import sys

from jastar_common.config import database_url
from jastar_common.migrations import upgrade_head


def migrate():
    upgrade_head("jastar_registry", database_url("registry"))
    return 0


def seed():
    from .seed import load_demo_data
    counts = load_demo_data(database_url("registry"))
    print("demo data: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(migrate())
