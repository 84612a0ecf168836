"""Bookings in a calendar app: one booking as an .ics file, and a member's
private feed URL to subscribe to (a new one replaces the old, and it can be
revoked). The feed's token is a credential, so the gateway keeps it (only its
hash, with the other ways in: domain/calendar_feeds.py); whose feed it is, and what is in
it, come from the registry and booking as for the member's own requests."""

from marshmallow import Schema, fields
from werkzeug.wrappers import Response

from jastar_common.caller import CALLER_KEY, Caller
from jastar_common.errors import NotFound

from .. import ical
from ..domain import access, calendar_feeds
from ..domain.access import MEMBER
from ..http import route

FEED_BOOKINGS = 200  # the newest bookings a feed carries
PAGE = 100
# what a booking is called in the calendar: the thing booked, by kind
TITLE_OF = {"consultation": ("service", "service_id"), "space": ("space", "space_id"),
            "seat": ("programme", "programme_id")}
FALLBACK_TITLE = {"kk": "Жастар орталығы", "ru": "Молодёжный центр"}


class CalendarFeed(Schema):
    url = fields.String(required=True, metadata={
        "description": "the private feed: subscribe to it in a calendar app; whoever has it reads "
                       "your bookings, so POST again for a new one or DELETE to revoke it"})


class CalendarRoutes:
    @route("GET", "/v1/me/bookings/<string:booking_id>.ics", "One of my bookings as an iCalendar file "
           "(Asia/Almaty times, the centre's address)", "members", roles=MEMBER,
           response="iCalendar", content_type="text/calendar")
    def my_booking_ics(self, request, booking_id):
        caller = request.environ["jastar.caller"]
        booking = self.call("booking", "get_booking", booking_id)
        if not access.is_own(caller, booking):  # staff see others' bookings; this is "mine" only
            raise NotFound(f"booking {booking_id} not found", entity="booking", id=booking_id)
        body = self._ics(caller.id, [booking])
        return Response(body, content_type=ical.CONTENT_TYPE, headers={
            "Content-Disposition": f'attachment; filename="booking-{booking_id}.ics"',
            "Cache-Control": "private, no-cache"})

    @route("POST", "/v1/me/calendar-feed", "A private calendar feed URL of my bookings (replaces the "
           "one I had)", "members", roles=MEMBER, status=201, response=CalendarFeed, location="{url}")
    def new_calendar_feed(self, request):
        token = calendar_feeds.new_calendar_feed(self.db.unit_of_work(), self._me(request), self.settings.jwt_secret,
                                                 now=self.now())
        return {"url": f"{request.host_url.rstrip('/')}/v1/calendar/{token}.ics"}

    @route("DELETE", "/v1/me/calendar-feed", "Revoke my calendar feed URL", "members", roles=MEMBER,
           status=204)
    def revoke_calendar_feed(self, request):
        calendar_feeds.revoke_calendar_feed(self.db.unit_of_work(), self._me(request))
        return None

    @route("GET", "/v1/calendar/<string:token>.ics", "A member's calendar feed: the unguessable token "
           "in the URL is its only key", "members", response="iCalendar", content_type="text/calendar")
    def calendar_feed(self, request, token):
        member_id = calendar_feeds.calendar_feed_member(self.db.unit_of_work(), token, self.settings.jwt_secret)
        if member_id is None:
            raise NotFound("no such calendar feed", entity="calendar_feed")
        # from here on the request is the member's own: the services check what it may read
        self.rpc.context_data[CALLER_KEY] = Caller("member", member_id).to_context()
        bookings, offset = [], 0
        while offset < FEED_BOOKINGS:
            found = self.call("booking", "member_bookings", member_id, {"limit": PAGE, "offset": offset})
            bookings += found["items"]
            offset += PAGE
            if offset >= found["total"]:
                break
        body = self._ics(member_id, bookings[:FEED_BOOKINGS], name="Jastar Hub")
        return Response(body, content_type=ical.CONTENT_TYPE,
                        headers={"Cache-Control": f"private, max-age={self.settings.calendar_feed_cache_seconds}"})

    def _ics(self, member_id, bookings, name=None):
        """The calendar of these bookings in the member's language (an erased
        member's feed is gone: the registry answers not found)."""
        language = self.call("registry", "get_member", member_id).get("language") or "kk"
        stamp = self.now()
        events = []
        for booking in bookings:
            centre = self._catalogue_object("centre", booking.get("centre_id"))
            kind, key = TITLE_OF.get(booking.get("kind"), (None, None))
            booked = self._catalogue_object(kind, booking.get(key)) if kind else None
            title = ical.name_in(booked, language) or FALLBACK_TITLE.get(language, FALLBACK_TITLE["kk"])
            events.append(ical.booking_event(booking, title, centre, language, stamp))
        return ical.calendar(events, name)

    def _catalogue_object(self, kind, obj_id):
        if not obj_id:
            return None
        try:
            return self.catalogue("get", kind, obj_id)
        except NotFound:  # closed or removed since: the event keeps its time, without the name
            return None
