"""Code every Jastar Hub service shares: the event envelope, the transactional
outbox and its relay, the idempotent inbox, retrying event subscribers with
dead letters, database set-up that cooperates with eventlet, config, typed
errors and JSON logs with one correlation id. And the parts of the template
each service is built on: contracts.py (what crosses service boundaries),
clock.py (the one `utcnow`, injected as `Clock`), settings.py (one frozen
settings object built at setup; ConfiguredTimer), uow.py (AbstractUnitOfWork
and the SQL one) and repository.py (the repositories' base)."""
