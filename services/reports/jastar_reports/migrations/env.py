from jastar_common.migrations import run_env
from jastar_reports.models import metadata

run_env(metadata)
