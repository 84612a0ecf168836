"""The IIN vault: encryption round trip, keyed look-up hash, key handling."""
import hashlib
from datetime import date

import pytest

from jastar_registry.crypto import IinVault
from jastar_registry.domain.validators import make_iin

IIN = make_iin(date(2003, 9, 1), "male")
SECRET = "correct-horse-battery-staple"


def test_seal_and_open_round_trip():
    vault = IinVault(SECRET)
    ciphertext, lookup, last4 = vault.seal(IIN)
    assert vault.open(ciphertext) == IIN
    assert lookup == vault.lookup_hash(IIN) and len(lookup) == 64
    int(lookup, 16)  # hex
    assert last4 == IIN[-4:]


def test_ciphertext_does_not_contain_the_iin_and_is_fresh_each_time():
    vault = IinVault(SECRET)
    first, _, _ = vault.seal(IIN)
    second, _, _ = vault.seal(IIN)
    assert isinstance(first, str)
    assert IIN not in first and IIN[-4:] + IIN[:4] not in first
    assert first != second  # random IV: equal IINs do not show as equal ciphertexts


def test_same_secret_gives_the_same_hash_and_opens_the_other_vaults_ciphertext():
    one, two = IinVault(SECRET), IinVault(SECRET)
    assert one.lookup_hash(IIN) == two.lookup_hash(IIN)
    assert two.open(one.seal(IIN)[0]) == IIN


def test_different_secrets_give_different_hashes_and_cannot_open():
    one, other = IinVault(SECRET), IinVault(SECRET + "!")
    assert one.lookup_hash(IIN) != other.lookup_hash(IIN)
    with pytest.raises(ValueError) as excinfo:
        other.open(one.seal(IIN)[0])
    assert IIN not in str(excinfo.value)


def test_the_lookup_hash_is_keyed_not_a_plain_hash():
    lookup = IinVault(SECRET).lookup_hash(IIN)
    assert lookup != hashlib.sha256(IIN.encode()).hexdigest()
    assert lookup != hashlib.sha256((SECRET + IIN).encode()).hexdigest()


def test_spaces_in_the_iin_do_not_change_the_hash():
    vault = IinVault(SECRET)
    assert vault.lookup_hash(IIN[:6] + " " + IIN[6:]) == vault.lookup_hash(IIN)
    assert vault.open(vault.seal(" " + IIN + " ")[0]) == IIN


@pytest.mark.parametrize("secret", ["", "short", "x" * 15, None, b"0123456789abcdef"])
def test_a_short_or_missing_secret_is_refused(secret):
    with pytest.raises(ValueError):
        IinVault(secret)


def test_sixteen_characters_are_enough():
    IinVault("x" * 16)


@pytest.mark.parametrize("bad", ["1234", "12345678901a", "1234567890123", None])
def test_malformed_iins_are_refused_without_echoing_them(bad):
    vault = IinVault(SECRET)
    with pytest.raises(ValueError) as excinfo:
        vault.seal(bad)
    assert str(bad) not in str(excinfo.value)


def test_garbage_ciphertext_is_refused_plainly():
    with pytest.raises(ValueError):
        IinVault(SECRET).open("not-a-token")


def test_the_vault_does_not_show_its_keys():
    vault = IinVault(SECRET)
    assert SECRET not in repr(vault) and "keys hidden" in repr(vault)
