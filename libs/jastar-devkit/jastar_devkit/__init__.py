"""Jastar Hub on one machine, for `make run` (scripts/run_local.py), the
tests (tests/system.py) and the benches (bench/system.py):

- `jastar_devkit.system`: the launcher: fresh databases and a vhost
  (`Sandbox`), the settings every service gets (`system_env`), and the whole
  system, each service its own process started by its run.sh (`System`);
- `jastar_devkit.helpers`: free ports, waiting, members signed up and
  signed in, events published.

Installed editable (`make install`): the launcher finds the run scripts in
the checkout it comes from."""
