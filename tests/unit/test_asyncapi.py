"""docs/asyncapi.yaml is the public contract: it must document exactly the
events the services can emit, in the envelope the code builds."""
from pathlib import Path

import yaml

from jastar_booking.domain.events import EVENT_TYPES as BOOKING
from jastar_common.envelope import EnvelopeSchema
from jastar_common.topology import SUBSCRIPTIONS
from jastar_registry.repository import RegistryUnitOfWork

REGISTRY = RegistryUnitOfWork.event_types

DOC = yaml.safe_load((Path(__file__).parents[2] / "docs" / "asyncapi.yaml").read_text())


def test_the_file_is_what_the_generator_makes_from_the_code():
    import subprocess
    import sys
    script = Path(__file__).parents[2] / "scripts" / "gen_asyncapi.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_emitted_event_is_documented_and_nothing_else():
    documented = set(DOC["components"]["messages"])
    assert documented == set(REGISTRY | BOOKING)
    assert set(DOC["channels"]["events"]["messages"]) == documented


def test_the_documented_envelope_is_the_one_the_code_builds():
    envelope = DOC["components"]["schemas"]["Envelope"]
    assert set(envelope["properties"]) == set(EnvelopeSchema().fields)
    assert set(envelope["required"]) == set(EnvelopeSchema().fields)


def test_the_exchange_is_the_one_services_publish_to():
    from jastar_common.topology import EVENTS_EXCHANGE_NAME
    assert DOC["channels"]["events"]["address"] == EVENTS_EXCHANGE_NAME


def test_every_subscription_key_matches_documented_events():
    documented = set(DOC["components"]["messages"])
    for sub in SUBSCRIPTIONS.values():
        for key in sub.keys:
            entity = key.partition(".")[0]
            assert key == "#" or any(event.startswith(entity + ".") for event in documented), key
