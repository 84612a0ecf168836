"""Signing in with a one-time code, and what members do for themselves."""
import logging
from datetime import timedelta

import eventlet

from jastar_common.caller import Caller
from jastar_common.errors import NotFound

from .. import auth, responses, schemas
from ..domain import accounts, calendar_feeds, sign_in
from ..domain.access import BOOKERS, MEMBER, REGISTRARS, Unauthenticated
from ..http import route
from . import phone_of

log = logging.getLogger(__name__)


class MemberRoutes:
    @route("POST", "/v1/auth/otp", "Send a one-time sign-in code by SMS", "auth",
           body=schemas.OtpRequest, status=202,
           response=responses.CodeSent)
    def send_code(self, request):
        body = request.jastar_body
        phone = phone_of(body["phone"])
        ttl = timedelta(seconds=self.settings.login_code_ttl_seconds)
        answer = {"sent": True, "expires_in": int(ttl.total_seconds())}
        if self.settings.echo_login_codes:
            code = self._send_code(phone, body["role"], ttl)
            if code:
                answer["code"] = code
        else:
            # after the answer: its timing must not tell who is registered
            eventlet.spawn_n(self._send_code_logged, phone, body["role"], ttl)
        return answer

    def _send_code(self, phone, role, ttl):
        subject = self._subject(phone, role)
        if subject is None:
            return None  # say nothing about who is registered
        code = sign_in.new_login_code(self.db.unit_of_work(), phone, self.settings.jwt_secret, ttl,
                                      self.settings.login_codes_per_hour, now=self.now())
        if code is not None:
            self.call("notifications", "send_login_code", phone, code, subject[1], as_system=True)
        return code

    def _send_code_logged(self, phone, role, ttl):
        try:
            self._send_code(phone, role, ttl)
        except Exception:
            log.exception("sending a sign-in code failed")

    def _subject(self, phone, role):
        """Who signs in with this phone, as (caller, language), or None."""
        if role == "staff":
            account = accounts.staff_by_phone(self.db.unit_of_work(), phone)
            if account is None:
                return None
            return Caller(account.role, account.id, tuple(account.centre_ids)), "ru"
        try:
            member = self.call("registry", "find_member", {"phone": phone}, as_system=True)
        except NotFound:
            return None
        return Caller("member", member["id"]), member.get("language", "ru")

    @route("POST", "/v1/auth/token", "Exchange the code for an access token (JWT)", "auth",
           body=schemas.TokenRequest, response=responses.Token)
    def token(self, request):
        body = request.jastar_body
        phone = phone_of(body["phone"])
        subject = self._subject(phone, body["role"])
        if subject is None or not sign_in.use_login_code(self.db.unit_of_work(), phone, body["code"],
                                                         self.settings.jwt_secret, now=self.now()):
            raise Unauthenticated("wrong or expired code")
        caller = subject[0]
        token, ttl = auth.issue_token(self.settings, caller.id, caller.kind, self.now(), caller.centre_ids)
        return {"access_token": token, "token_type": "Bearer", "expires_in": ttl}

    @route("POST", "/v1/members", "Register (consent required); staff register walk-in members",
           "members", roles=REGISTRARS, body=schemas.Registration,
           response=responses.Member, status=201,
           location="/v1/members/{id}")
    def register(self, request):
        return self.call("registry", "register_member", request.jastar_body)

    @route("GET", "/v1/me", "My profile", "members", roles=MEMBER, response=responses.Member)
    def me(self, request):
        return self.call("registry", "get_member", self._me(request))

    @route("PATCH", "/v1/me", "Change my profile", "members", roles=MEMBER, body=schemas.MemberChanges,
           response=responses.Member)
    def update_me(self, request):
        return self.call("registry", "update_member", self._me(request), request.jastar_body)

    @route("DELETE", "/v1/me", "Erase my personal data (bookings stay, anonymised)", "members",
           roles=MEMBER, status=204)
    def erase_me(self, request):
        self.call("registry", "erase_member", self._me(request))
        calendar_feeds.revoke_calendar_feed(self.db.unit_of_work(), self._me(request))  # its URL dies too
        return None

    @route("GET", "/v1/me/bookings", "My bookings, newest first", "members", roles=MEMBER,
           query=schemas.Page, response=responses.BookingPage)
    def my_bookings(self, request):
        return self.call("booking", "member_bookings", self._me(request), request.jastar_query)

    @route("GET", "/v1/me/waitlist", "My waitlist places, newest first", "members", roles=MEMBER,
           query=schemas.Page, response=responses.WaitlistPage)
    def my_waitlist(self, request):
        return self.call("booking", "member_waitlist", self._me(request), request.jastar_query)

    @route("GET", "/v1/me/notifications", "Messages sent to me", "members", roles=MEMBER,
           query=schemas.Page, response=responses.MessagePage)
    def my_notifications(self, request):
        return self.call("notifications", "list_messages", self._me(request), request.jastar_query)

    @route("GET", "/v1/me/notification-preferences", "My channels", "members", roles=MEMBER,
           response=responses.ChannelPreferences)
    def my_preferences(self, request):
        return self.call("notifications", "get_preferences", self._me(request))

    @route("PUT", "/v1/me/notification-preferences", "Choose my channels (opt out of the others)",
           "members", roles=MEMBER, body=schemas.Preferences,
           response=responses.ChannelPreferences)
    def set_my_preferences(self, request):
        return self.call("notifications", "set_preferences", self._me(request), request.jastar_body)

    @staticmethod
    def _me(request):
        return request.environ["jastar.caller"].id

    # bookings: members for themselves, staff for members at their centres

    @route("POST", "/v1/bookings", "Book a consultation, space hours or a seat", "booking",
           roles=BOOKERS, body=schemas.NewBooking, status=201, location="/v1/bookings/{booking[id]}",
           idempotent=True, response=responses.BookingMade, also={202: responses.WaitlistJoined})
    def create_booking(self, request):
        body = dict(request.jastar_body)
        key = request.environ.get("jastar.idempotency_key")
        if key is not None:  # booking keeps it too: one booking per key even across gateways
            body["idempotency_key"] = key
        result = self.change_booking("create_booking", _jsonable(body))
        return (201 if "booking" in result else 202), result

    @route("GET", "/v1/bookings/<string:booking_id>", "A booking", "booking", roles=BOOKERS,
           response=responses.Booking)
    def get_booking(self, request, booking_id):
        return self.call("booking", "get_booking", booking_id)

    @route("POST", "/v1/bookings/<string:booking_id>/cancel", "Cancel a booking", "booking",
           roles=BOOKERS, body=schemas.Cancellation, response=responses.Booking, idempotent=True)
    def cancel_booking(self, request, booking_id):
        return self.change_booking("cancel_booking", booking_id, request.jastar_body.get("reason"))

    @route("POST", "/v1/bookings/<string:booking_id>/reschedule", "Move a booking to a new time",
           "booking", roles=BOOKERS, body=schemas.Reschedule, response=responses.Booking,
           idempotent=True)
    def reschedule_booking(self, request, booking_id):
        return self.change_booking("reschedule_booking", booking_id, _jsonable(request.jastar_body))

    @route("POST", "/v1/waitlist/<string:entry_id>/accept", "Take the seat offered to me", "booking",
           roles=BOOKERS, response=responses.Booking, idempotent=True)
    def accept_offer(self, request, entry_id):
        return self.change_booking("accept_offer", entry_id)

    @route("POST", "/v1/waitlist/<string:entry_id>/decline", "Decline an offer, or leave the waitlist",
           "booking", roles=BOOKERS, response=responses.WaitlistEntry, idempotent=True)
    def decline_offer(self, request, entry_id):
        return self.change_booking("decline_offer", entry_id)


def _jsonable(body):
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in body.items()}


__all__ = ["MemberRoutes", "Caller"]
