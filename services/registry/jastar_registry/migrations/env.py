from jastar_common.migrations import run_env
from jastar_registry.models import Base

run_env(Base.metadata)
