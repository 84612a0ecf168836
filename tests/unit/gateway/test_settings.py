"""The gateway's settings: one frozen object built from the config at setup."""
import dataclasses

import pytest
from nameko import config

from jastar_common.settings import read
from jastar_gateway.settings import DEV_SECRET, GatewaySettings


def test_built_from_the_config_and_frozen():
    with config.patch({"RPC_TIMEOUT_SECONDS": "3", "CORS_ORIGINS": " https://a.kz , https://b.kz,"}):
        settings = read(GatewaySettings)
    assert settings.rpc_timeout_seconds == 3.0 and settings.allowed_origins == ["https://a.kz", "https://b.kz"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.rpc_timeout_seconds = 1


def test_production_needs_a_jwt_secret_and_never_echoes_codes():
    development = read(GatewaySettings, environment="development", jwt_secret_given=None, login_code_echo="true")
    assert development.jwt_secret == DEV_SECRET and development.echo_login_codes
    production = read(GatewaySettings, environment="production", jwt_secret_given=None, login_code_echo="true")
    assert not production.echo_login_codes
    with pytest.raises(RuntimeError):
        production.jwt_secret
    assert read(GatewaySettings, environment="production", jwt_secret_given="s" * 64).jwt_secret == "s" * 64
