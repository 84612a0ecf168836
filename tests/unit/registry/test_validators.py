"""Edge cases for the registry's field validators."""
from datetime import date

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType

from jastar_registry.domain.validators import (
    InvalidField,
    age_on,
    check_youth_age,
    iin_sex,
    make_iin,
    mask_iin,
    normalise_phone,
    normalise_telegram,
    validate_email,
    validate_iin,
)


def test_invalid_field_is_a_value_error_with_field_and_message():
    err = InvalidField("phone", "bad")
    assert isinstance(err, ValueError)
    assert (err.field, err.message) == ("phone", "bad")
    assert str(err) == "phone: bad"


# --- Phone -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "+7 701 234 56 78",
        "+77012345678",
        "87012345678",
        "8 (701) 234-56-78",
        "7 701 234 56 78",
        "+7 (701) 234-56-78",
        "  +7-701-234-56-78  ",
        "8 701 234 5678",
        "+7\u00a0701\u00a0234\u00a056\u00a078",  # non-breaking spaces from copy-paste
    ],
)
def test_phone_formats_normalise_to_one_shape(raw):
    assert normalise_phone(raw) == "+7 701 234 56 78"


@pytest.mark.parametrize(
    "national", ["7001112233", "7089998877", "7471234567", "7771234567", "7781234567",
                 "7601234567", "7641234567", "7851234567"]
)
def test_phone_accepts_mobile_ranges(national):
    result = normalise_phone("8" + national)
    assert result.replace(" ", "") == "+7" + national


@pytest.mark.parametrize("prefix", ["703", "704", "709", "770", "772", "773", "774", "779"])
def test_phone_refuses_unassigned_ranges(prefix):
    # the hand-kept list once took every 70x and 77x
    with pytest.raises(InvalidField) as exc:
        normalise_phone(f"+7 {prefix} 123 45 67")
    assert exc.value.field == "phone"


# A sample across the 7xx block: landlines (71x-72x), services (75x), the
# mobile ranges and the unassigned ones between them.
PREFIX_SAMPLE = ["700", "701", "702", "703", "704", "705", "706", "707", "708", "709",
                 "710", "717", "721", "727", "729", "736", "747", "748", "750", "751",
                 "760", "761", "762", "763", "764", "765", "770", "771", "772", "773",
                 "774", "775", "776", "777", "778", "779", "780", "785", "790"]


@pytest.mark.parametrize("prefix", PREFIX_SAMPLE)
def test_phone_prefixes_agree_with_libphonenumber(prefix):
    raw = f"+7 {prefix} 234 56 78"
    number = phonenumbers.parse(raw)
    mobile = (phonenumbers.region_code_for_number(number) == "KZ"
              and phonenumbers.is_valid_number(number)
              and phonenumbers.number_type(number) == PhoneNumberType.MOBILE)
    try:
        normalise_phone(raw)
        accepted = True
    except InvalidField:
        accepted = False
    assert accepted is mobile


@pytest.mark.parametrize(
    "raw",
    [
        "8 727 123 45 67",     # Almaty landline: starts with 7 but is geographic
        "+7 7172 55 66 77",    # Astana landline
        "+7 751 123 45 67",    # non-geographic service range
        "+7 912 345 67 89",    # Russian mobile
        "+7 495 123 45 67",    # Moscow landline
        "+7 701 234 56 7",     # too short
        "+7 701 234 56 789",   # too long
        "7012345678",          # ten digits, no country or trunk prefix
        "+87012345678",        # plus with trunk prefix
        "97012345678",         # unknown prefix
        "+7 701 ABC 56 78",    # letters
        "+7 701 234 56 78 ext 5",
        "+7 701 234 56 78+",
        "+7 701.234.56.78",    # dots are not in the accepted set
        "+7 ٧٠١ 234 56 78",    # Arabic-Indic digits
        "",
        "   ",
        None,
        87012345678,
    ],
)
def test_phone_rejects_non_kazakh_mobile(raw):
    with pytest.raises(InvalidField) as exc:
        normalise_phone(raw)
    assert exc.value.field == "phone"


# --- IIN -------------------------------------------------------------------

BORN = date(1990, 1, 1)
# Hand-checked: 9*1+1*4+1*6+3*7+1*9+2*10+3*11 = 102, 102 mod 11 = 3.
VALID_IIN = "900101301233"
# First pass gives 131 mod 11 = 10; second pass 78 mod 11 = 1.
SECOND_PASS_IIN = "900101300811"
# Both passes give 10 for serial 0080, so no check digit can make it valid.
NO_CHECK_DIGIT_PREFIX = "90010130080"


def test_valid_iin_is_returned_unchanged():
    assert validate_iin(VALID_IIN, BORN) == VALID_IIN


def test_iin_spaces_are_removed():
    assert validate_iin(" 900101 301233 ", BORN) == VALID_IIN


def test_iin_check_digit_uses_second_weights_when_first_gives_ten():
    assert validate_iin(SECOND_PASS_IIN, BORN) == SECOND_PASS_IIN


@pytest.mark.parametrize("digit", "0123456789")
def test_iin_without_possible_check_digit_is_invalid(digit):
    with pytest.raises(InvalidField, match="check digit"):
        validate_iin(NO_CHECK_DIGIT_PREFIX + digit, BORN)


def test_iin_wrong_check_digit():
    with pytest.raises(InvalidField, match="check digit") as exc:
        validate_iin("900101301234", BORN)
    assert exc.value.field == "iin"


@pytest.mark.parametrize(
    "iin", ["90010130123", "9001013012333", "90010130123a", "9001-0130-1233", "", "٩00101301233"]
)
def test_iin_must_be_twelve_ascii_digits(iin):
    with pytest.raises(InvalidField, match="12 digits"):
        validate_iin(iin, BORN)


def test_iin_must_be_a_string():
    with pytest.raises(InvalidField, match="12 digits"):
        validate_iin(900101301233, BORN)


@pytest.mark.parametrize("digit", "0789")
def test_iin_century_digit_out_of_range(digit):
    iin = "900101" + digit + "01233"
    with pytest.raises(InvalidField, match="7th digit"):
        validate_iin(iin, BORN)


def test_iin_birth_date_must_match():
    with pytest.raises(InvalidField, match="birth date"):
        validate_iin(VALID_IIN, date(1990, 1, 2))


def test_iin_century_must_match_birth_year():
    # Same YYMMDD, but 7th digit 5 means 2000s while the person was born in 1990.
    iin = make_iin(date(2090, 1, 1), "male", 0)
    assert iin[6] == "5"
    with pytest.raises(InvalidField, match="century"):
        validate_iin(iin, BORN)


@pytest.mark.parametrize(
    "born, sex, digit",
    [
        (date(1899, 12, 31), "male", "1"),
        (date(1800, 1, 1), "female", "2"),
        (date(1900, 1, 1), "male", "3"),
        (date(1999, 12, 31), "female", "4"),
        (date(2000, 1, 1), "male", "5"),
        (date(2012, 2, 29), "female", "6"),
    ],
)
def test_make_iin_round_trips(born, sex, digit):
    iin = make_iin(born, sex, 42)
    assert iin[6] == digit
    assert iin[:6] == born.strftime("%y%m%d")
    assert validate_iin(iin, born) == iin
    assert iin_sex(iin) == sex


def test_make_iin_uses_the_serial_when_it_works():
    assert make_iin(BORN, "male", 123) == VALID_IIN


def test_make_iin_skips_serial_without_check_digit():
    assert make_iin(BORN, "male", 80) == SECOND_PASS_IIN


def test_make_iin_any_starting_serial_gives_a_valid_iin():
    seen = {make_iin(BORN, "female", serial) for serial in range(0, 300)}
    for iin in seen:
        assert validate_iin(iin, BORN) == iin


@pytest.mark.parametrize(
    "born, sex, serial",
    [
        (date(1799, 12, 31), "male", 0),
        (date(2100, 1, 1), "male", 0),
        (BORN, "other", 0),
        (BORN, "male", -1),
        (BORN, "male", 10000),
    ],
)
def test_make_iin_refuses_bad_input(born, sex, serial):
    with pytest.raises(ValueError):
        make_iin(born, sex, serial)


def test_make_iin_runs_out_of_serials():
    # "00051859999": both weightings give 10 (450 and 362 mod 11), and 9999
    # is the last serial, so there is nothing left to skip to.
    with pytest.raises(ValueError, match="no valid serial"):
        make_iin(date(2000, 5, 18), "male", 9999)
    assert make_iin(date(2000, 5, 18), "male", 9998)[7:11] == "9998"


def test_iin_sex_reads_odd_and_even():
    assert iin_sex(VALID_IIN) == "male"
    assert iin_sex(make_iin(BORN, "female")) == "female"


def test_iin_sex_rejects_bad_century_digit():
    with pytest.raises(InvalidField):
        iin_sex("900101001233")


def test_mask_iin_shows_last_four_only():
    assert mask_iin(VALID_IIN) == "********1233"
    assert mask_iin("900101 301233") == "********1233"


def test_mask_iin_rejects_garbage():
    with pytest.raises(InvalidField):
        mask_iin("1233")


# --- Age -------------------------------------------------------------------


@pytest.mark.parametrize("age", [13, 14, 35, 36])
def test_age_on_birthday_and_day_before(age):
    born = date(2000, 6, 15)
    birthday = date(2000 + age, 6, 15)
    assert age_on(born, birthday) == age
    assert age_on(born, date(2000 + age, 6, 14)) == age - 1


def test_age_on_day_of_birth_is_zero():
    assert age_on(date(2010, 5, 5), date(2010, 5, 5)) == 0


def test_age_on_rejects_date_before_birth():
    with pytest.raises(InvalidField) as exc:
        age_on(date(2010, 5, 5), date(2010, 5, 4))
    assert exc.value.field == "birth_date"


def test_leap_day_birthday_in_common_year_counts_from_first_march():
    born = date(2008, 2, 29)
    assert age_on(born, date(2022, 2, 28)) == 13
    assert age_on(born, date(2022, 3, 1)) == 14


def test_leap_day_birthday_in_leap_year_counts_on_the_day():
    born = date(2008, 2, 29)
    assert age_on(born, date(2024, 2, 28)) == 15
    assert age_on(born, date(2024, 2, 29)) == 16


# (age reached on `today`, whether `today` is the birthday or the day before,
#  expected outcome) for someone born on 15 June 2000.
@pytest.mark.parametrize(
    "years, day, ok",
    [
        (13, 15, False),  # turns 13
        (14, 14, False),  # still 13 the day before turning 14
        (14, 15, True),   # 14th birthday: youth from today
        (35, 14, True),   # 34 the day before 35
        (35, 15, True),   # 35 is still youth (inclusive)
        (36, 14, True),   # last day of being 35
        (36, 15, False),  # 36th birthday: no longer youth
    ],
)
def test_check_youth_age_edges(years, day, ok):
    born = date(2000, 6, 15)
    today = date(2000 + years, 6, day)
    if ok:
        assert check_youth_age(born, today) == age_on(born, today)
    else:
        with pytest.raises(InvalidField) as exc:
            check_youth_age(born, today)
        assert exc.value.field == "birth_date"


def test_check_youth_age_messages_say_which_bound():
    born = date(2000, 6, 15)
    with pytest.raises(InvalidField, match="at least 14"):
        check_youth_age(born, date(2013, 6, 15))
    with pytest.raises(InvalidField, match="at most 35"):
        check_youth_age(born, date(2036, 6, 15))


def test_check_youth_age_custom_bounds():
    born = date(2000, 6, 15)
    assert check_youth_age(born, date(2016, 6, 15), min_age=16, max_age=29) == 16
    with pytest.raises(InvalidField):
        check_youth_age(born, date(2030, 6, 15), min_age=16, max_age=29)


def test_check_youth_age_leap_day_turning_fourteen():
    born = date(2008, 2, 29)
    with pytest.raises(InvalidField):
        check_youth_age(born, date(2022, 2, 28))
    assert check_youth_age(born, date(2022, 3, 1)) == 14


# --- Email -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("aigerim@example.kz", "aigerim@example.kz"),
        ("  Aigerim.N@Mail.KZ ", "Aigerim.N@mail.kz"),
        ("first+tag@sub.domain.gov.kz", "first+tag@sub.domain.gov.kz"),
        ("a_b-c@x-y.org", "a_b-c@x-y.org"),
    ],
)
def test_email_accepted_and_domain_lowercased(raw, expected):
    assert validate_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "plain",
        "@example.kz",
        "name@",
        "name@localhost",
        "name@@example.kz",
        "a@b@example.kz",
        ".name@example.kz",
        "name.@example.kz",
        "na..me@example.kz",
        "na me@example.kz",
        "name@-example.kz",
        "name@example-.kz",
        "name@example..kz",
        "name@example.k",
        "name@example.123",
        "имя@example.kz",
        "name@пример.kz",
        "x" * 65 + "@example.kz",
        "a@" + "b" * 250 + ".kz",
        None,
    ],
)
def test_email_rejected(raw):
    with pytest.raises(InvalidField) as exc:
        validate_email(raw)
    assert exc.value.field == "email"


# --- Telegram --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "@jastar_hub",
        "jastar_hub",
        "https://t.me/jastar_hub",
        "http://t.me/jastar_hub/",
        "t.me/jastar_hub",
        "https://telegram.me/jastar_hub",
        "  @Jastar_Hub ",
        "HTTPS://T.ME/Jastar_Hub",
    ],
)
def test_telegram_forms_normalise(raw):
    assert normalise_telegram(raw) == "@jastar_hub"


@pytest.mark.parametrize("name", ["abcde", "a" * 32, "a1_2_3", "z9999"])
def test_telegram_length_edges_accepted(name):
    assert normalise_telegram(name) == "@" + name


@pytest.mark.parametrize(
    "raw",
    [
        "abcd",            # 4 chars: too short
        "a" * 33,          # too long
        "1abcde",          # starts with a digit
        "_abcde",          # starts with underscore
        "abc-de",          # dash not allowed
        "abc.de",
        "@@abcde",
        "https://t.me/",
        "https://t.me/+AbCdEfGh",  # invite link, not a username
        "https://example.com/abcde",
        "\u212aairat",     # Kelvin sign lowercases to ASCII k
        "айгерим",
        "",
        None,
    ],
)
def test_telegram_rejected(raw):
    with pytest.raises(InvalidField) as exc:
        normalise_telegram(raw)
    assert exc.value.field == "telegram"
