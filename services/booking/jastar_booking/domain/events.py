"""The events booking publishes: its public contract (docs/asyncapi.yaml)."""
EVENT_TYPES = frozenset()
