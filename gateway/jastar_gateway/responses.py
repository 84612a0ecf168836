"""What the gateway answers: every 2xx body is dumped through one of these
schemas (http.py), and /openapi.json shows the same schemas, so a client
generated from the document reads exactly the fields that come. A field
the services add reaches clients only once it is added here."""
from marshmallow import Schema, fields

class Iso(fields.String):
    """A time or date as ISO 8601 text, whether a service sent it as text or
    the gateway holds it as a datetime (its own tables)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        return super()._serialize(value, attr, obj, **kwargs)


def text(required=False, **kwargs):
    return fields.String(required=required, **kwargs)


def maybe(field_type=fields.String, **kwargs):
    return field_type(allow_none=True, **kwargs)


def timestamp(required=False, allow_none=True):
    return Iso(required=required, allow_none=allow_none, metadata={"format": "date-time"})


def day(allow_none=True):
    return Iso(allow_none=allow_none, metadata={"format": "date"})


def names():
    return text(required=True), text(required=True)


def several(make, count, **kwargs):
    """count fields alike, for `a, b, c = several(maybe, 3)` (declared in that order)."""
    return tuple(make(**kwargs) for _ in range(count))


class Page(Schema):
    """The one envelope of every list: a page of `items`, how many there are
    in all (`total`), and the `limit` and `offset` the page was read with."""
    items = fields.List(fields.Raw(), required=True, metadata={"description": "this page's items (each list "
                                                                             "names their schema)"})
    total = fields.Integer(required=True, metadata={"description": "how many items there are in all"})
    limit = fields.Integer(required=True, metadata={"description": "the most items a page holds"})
    offset = fields.Integer(required=True, metadata={"description": "how many items come before this page"})


def page_of(item, name=None, **extra):
    """The Page of these items (one schema per item kind, named <Item>Page)."""
    name = name or item.__name__ + "Page"
    return type(name, (Page,), {"items": fields.List(fields.Nested(item), required=True), **extra,
                                "__doc__": f"A page of {item.__name__} items: {{items, total, limit, offset}}."})


# meta

class Health(Schema):
    status = text(required=True)


class Ready(Schema):
    status = text(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


# the catalogue (the registry's reference data)

class Region(Schema):
    id = text(required=True)
    name_kk, name_ru = names()
    youth_population = maybe(fields.Integer)
    status = text(required=True)


class District(Schema):
    id = text(required=True)
    name_kk, name_ru = names()
    region_id = text()
    kind = text(metadata={"enum": ["district", "city"]})
    admin_centre = text()
    youth_population = maybe(fields.Integer)
    status = text(required=True)


class Centre(Schema):
    id, district_id = several(text, 2, required=True)
    name_kk, name_ru = names()
    address, status = several(text, 2, required=True)
    floors = maybe(fields.Integer)
    area_m2 = maybe(fields.Integer)
    opening_date = day()
    planned_year = maybe(fields.Integer)
    opening_hours = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())),
                                metadata={"description": 'local hours: {"mon": [["09:00", "18:00"]]}'})
    closed_dates = fields.List(Iso(metadata={"format": "date"}))
    time_zone = maybe()


class Space(Schema):
    id, centre_id, kind = several(text, 3, required=True)
    name_kk, name_ru = names()
    capacity = fields.Integer()
    floor = maybe(fields.Integer)
    grid_minutes = fields.Integer()
    min_minutes = fields.Integer()
    max_minutes = fields.Integer()
    buffer_minutes = fields.Integer()
    needs_approval = fields.Boolean()
    equipment = fields.List(fields.String())
    status = text(required=True)
    opens_on = day()


class Partner(Schema):
    id, kind = several(text, 2, required=True)
    name_kk, name_ru = names()
    website = maybe()
    status = text(required=True)


class Service(Schema):
    id, topic = several(text, 2, required=True)
    name_kk, name_ru = names()
    slot_minutes = fields.Integer()
    partner_id = maybe()
    centre_ids = fields.List(fields.String())
    status = text(required=True)


class Specialist(Schema):
    id, full_name = several(text, 2, required=True)
    title_kk, title_ru = names()
    partner_id, centre_id = several(maybe, 2)
    service_ids = fields.List(fields.String())
    languages = fields.List(fields.String())
    status = text(required=True)


class Schedule(Schema):
    id, specialist_id, centre_id = several(text, 3, required=True)
    weekly = fields.Dict(keys=fields.String(), values=fields.List(fields.List(fields.String())))
    exceptions = fields.List(fields.Dict())
    valid_from = day()
    valid_to = day()
    status = text(required=True)


class Programme(Schema):
    id, centre_id, kind = several(text, 3, required=True)
    name_kk, name_ru = names()
    description_kk, description_ru = several(maybe, 2)
    capacity = fields.Integer()
    min_age = maybe(fields.Integer)
    max_age = maybe(fields.Integer)
    target_group = maybe()
    languages = fields.List(fields.String())
    is_free = fields.Boolean()
    whole_course = fields.Boolean()
    status = text(required=True)


class Session(Schema):
    id, programme_id = several(text, 2, required=True)
    centre_id, space_id = several(maybe, 2)
    starts_at = timestamp(required=True, allow_none=False)
    ends_at = timestamp(required=True, allow_none=False)
    capacity = maybe(fields.Integer)
    language = text()
    status = text(required=True)


class SessionSeats(Session):
    seats_left = maybe(fields.Integer, metadata={"description": "free seats (null: not known yet)"})
    waiting = maybe(fields.Integer, metadata={"description": "members on its waitlist"})


class CentreDetail(Centre):
    spaces = fields.List(fields.Nested(Space), required=True)
    services = fields.List(fields.Nested(Service), required=True)
    partners = fields.List(fields.Nested(Partner), required=True)


class ProgrammeDetail(Programme):
    sessions = fields.List(fields.Nested(SessionSeats), required=True)


CATALOGUE = {"region": Region, "district": District, "centre": Centre, "space": Space, "partner": Partner,
             "service": Service, "specialist": Specialist, "schedule": Schedule, "programme": Programme,
             "session": Session}


class Availability(Schema):
    """A free slot (consultation), free space hours, or a session's seats left (programme)."""
    starts_at, ends_at = several(timestamp, 2)
    centre_id, specialist_id, space_id = several(maybe, 3)
    free = maybe(fields.Integer, metadata={
        "description": "places free in this slot (0: a full space hour, shown with include_full)"})
    resource_id = maybe(metadata={"description": "programme: the session (or the whole course)"})
    seats_left = maybe(fields.Integer)
    waiting = maybe(fields.Integer)


# members, sign-in and bookings

class CodeSent(Schema):
    sent = fields.Boolean(required=True)
    expires_in = fields.Integer(required=True)
    code = text(metadata={"description": "development only (LOGIN_CODE_ECHO): the code itself"})


class Token(Schema):
    access_token, token_type = several(text, 2, required=True)
    expires_in = fields.Integer(required=True)


class Member(Schema):
    id = text(required=True)
    full_name = maybe()
    birth_date = day()
    phone, email, telegram, district_id, language = several(maybe, 5)
    categories = fields.List(fields.String())
    iin = maybe(metadata={"description": "masked: ********1234"})
    status = text(required=True)
    registered_at, consent_at = several(timestamp, 2)


class Booking(Schema):
    id = text(required=True)
    kind = text(required=True, metadata={"enum": ["consultation", "space", "seat"]})
    state = text(required=True)
    member_id = maybe()
    centre_id, resource_id = several(text, 2, required=True)
    service_id, specialist_id, space_id, session_id, programme_id = several(maybe, 5)
    starts_at = timestamp(required=True)
    ends_at = timestamp(required=True)
    reason = maybe()
    created_at, updated_at = several(timestamp, 2)
    cancel_until = Iso(allow_none=True, metadata={"format": "date-time", "description": (
        "the last moment the member may cancel it themselves (staff may later); "
        "null once it cannot be cancelled")})
    move_until = Iso(allow_none=True, metadata={"format": "date-time", "description": (
        "the last moment the member may move it to another time (staff may later); "
        "null for seats and once it cannot be moved")})


class WaitlistEntry(Schema):
    id, resource_id, centre_id = several(text, 3, required=True)
    member_id = maybe()
    position = fields.Integer(required=True, metadata={
        "description": "the place in line now: waiting entries ahead + 1 (1 = next to be offered)"})
    state = text(required=True)
    offer_expires_at = timestamp()
    booking_id = maybe()
    created_at = timestamp()


class BookingMade(Schema):
    booking = fields.Nested(Booking, required=True)


class WaitlistJoined(Schema):
    waitlist = fields.Nested(WaitlistEntry, required=True)


class Message(Schema):
    id = text(required=True)
    member_id, booking_id = several(maybe, 2)
    message_type, channel, status = several(text, 3, required=True)
    attempts = fields.Integer()
    provider_message_id, last_error = several(maybe, 2)
    next_attempt_at, created_at, sent_at = several(timestamp, 3)


class QuietWindow(Schema):
    from_ = text(required=True, data_key="from", attribute="from")  # "22:00", Almaty time
    to = text(required=True)  # "08:00"; earlier than from: the window crosses midnight


class ChannelPreferences(Schema):
    member_id = text(required=True)
    channels = fields.List(fields.String(), required=True)
    telegram_chat_id = maybe()
    quiet_hours = fields.Nested(QuietWindow, allow_none=True)
    default = fields.Boolean()


# administration and integrators

class StaffAccount(Schema):
    id, phone, full_name = several(text, 3, required=True)
    role = text(required=True, metadata={"enum": ["staff", "admin"]})
    centre_ids = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)
    created_at = timestamp()


class ApiKey(Schema):
    id, name = several(text, 2, required=True)
    created_at, revoked_at = several(timestamp, 2)


class ApiKeyCreated(Schema):
    id, name = several(text, 2, required=True)
    key = text(required=True, metadata={"description": "shown this once: send it as X-Api-Key"})


class Webhook(Schema):
    id = text(required=True)
    owner = maybe()
    url = text(required=True)
    event_types = fields.List(fields.String(), required=True)
    description = maybe()
    active = fields.Boolean()
    disabled_reason = maybe()
    created_at = timestamp()


class WebhookCreated(Webhook):
    secret = text(required=True, metadata={"description": "shown this once (whsec_...)"})


class Delivery(Schema):
    id, subscription_id, event_id, event_type, status = several(text, 5, required=True)
    attempts = fields.Integer()
    next_attempt_at = timestamp()
    last_status_code = maybe(fields.Integer)
    last_error = maybe()
    response_ms = maybe(fields.Integer)
    created_at, sent_at = several(timestamp, 2)


# every list's page, <Item>Page (a waitlist's is WaitlistEntryPage, staff's StaffAccountPage)
(DistrictPage, CentrePage, ServicePage, SpecialistPage, SchedulePage, ProgrammePage, BookingPage, WaitlistPage,
 MessagePage, StaffPage, ApiKeyPage, WebhookPage, DeliveryPage) = map(page_of, (
    District, Centre, Service, Specialist, Schedule, Programme, Booking, WaitlistEntry, Message, StaffAccount, ApiKey,
    Webhook, Delivery))
AvailabilityPage = page_of(Availability, programme_id=maybe(), whole_course=maybe(fields.Boolean))
