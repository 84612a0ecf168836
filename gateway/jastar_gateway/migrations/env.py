from jastar_common.migrations import run_env
from jastar_gateway.models import metadata

run_env(metadata)
