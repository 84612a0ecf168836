"""The events the registry publishes: its public contract (docs/asyncapi.yaml)."""
EVENT_TYPES = frozenset({
    "district.created", "district.updated",
    "centre.created",
})
