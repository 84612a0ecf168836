"""Code every Jastar Hub service shares: the event envelope, the transactional
outbox and its relay, the idempotent inbox, retrying event subscribers with
dead letters, database set-up that cooperates with eventlet, config, typed
errors and JSON logs with one correlation id."""
