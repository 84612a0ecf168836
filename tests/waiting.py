"""Polling with a deadline, for what arrives asynchronously (events, other
processes): the kit's (jastar_devkit.helpers), which the benches use too."""
from jastar_devkit.helpers import wait_until  # noqa: F401
