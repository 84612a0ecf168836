"""Examples shown in /openapi.json and /docs, one per response schema, taken
from the demo network's real answers (tests check each against its schema).
Each object is written once; pages and wrappers are built from them."""
MEMBER_ID = "406f6a34-8b10-4d27-a48b-32ad9090e8e2"
KEY_ID = "8b4af8029ff147fcb6ac7dbd2e837544"
WEBHOOK_ID = "3f1d2b5c-8a47-4a0e-9a64-5b0f3c2d1e77"
KARASAI = "karasai-yrc"
WEEKDAY_HOURS = [["09:00", "20:00"]]

District = {"id": "balkhash", "name_kk": "Балқаш ауданы", "name_ru": "Балхашский район",
            "region_id": "almaty-region", "kind": "district", "admin_centre": "Бақанас",
            "youth_population": None, "status": "open"}
Centre = {"id": "enbekshikazakh-yrc", "district_id": "enbekshikazakh",
          "name_kk": "Еңбекшіқазақ ауданының Жастар ресурстық орталығы",
          "name_ru": "Молодёжный ресурсный центр (Енбекшиказахский район)", "address": "Есік",
          "status": "planned", "floors": None, "area_m2": None, "opening_date": None, "planned_year": 2026,
          "opening_hours": {}, "closed_dates": [], "time_zone": "Asia/Almaty"}
Space = {"id": "karasai-hall", "centre_id": KARASAI, "kind": "hall", "name_kk": "Акт залы",
         "name_ru": "Актовый зал", "capacity": 120, "floor": 1, "grid_minutes": 60, "min_minutes": 60,
         "max_minutes": 240, "buffer_minutes": 0, "needs_approval": True, "equipment": [], "status": "open",
         "opens_on": None}
Service = {"id": "health", "topic": "health", "name_kk": "Жастар денсаулығы бойынша кеңес",
           "name_ru": "Консультация по здоровью молодёжи", "slot_minutes": 30,
           "partner_id": "youth-health-centre", "centre_ids": [KARASAI], "status": "open"}
Partner = {"id": "career-centre", "kind": "career_centre", "name_kk": "Мансап орталығы",
           "name_ru": "Центр карьеры", "website": None, "status": "open"}
Specialist = {"id": "career-consultant", "full_name": "Айгерім Сапарова",
              "title_kk": "Мансап орталығының кеңесшісі", "title_ru": "Консультант Центра карьеры",
              "partner_id": "career-centre", "centre_id": None, "service_ids": ["jobs"],
              "languages": ["kk", "ru"], "status": "open"}
Programme = {"id": "business-basics", "centre_id": KARASAI, "kind": "training", "name_kk": "Бизнес негіздері",
             "name_ru": "Основы предпринимательства", "description_kk": "", "description_ru": "",
             "capacity": 25, "min_age": 14, "max_age": 35, "target_group": None, "languages": ["kk", "ru"],
             "is_free": True, "whole_course": False, "status": "open"}
SessionSeats = {"id": "business-basics-1", "programme_id": "business-basics", "centre_id": KARASAI,
                "space_id": "karasai-hall", "starts_at": "2026-12-09T10:00:00+00:00",
                "ends_at": "2026-12-09T12:00:00+00:00", "capacity": None, "language": "ru", "status": "open",
                "seats_left": 25, "waiting": 0}
Schedule = {"id": "career-consultant-karasai", "specialist_id": "career-consultant", "centre_id": KARASAI,
            "weekly": {day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in ("mon", "tue")},
            "exceptions": [], "valid_from": None, "valid_to": None, "status": "active"}
Region = {"id": "almaty-region", "name_kk": "Алматы облысы", "name_ru": "Алматинская область",
          "youth_population": 432000, "status": "open"}
Availability = {"starts_at": "2026-12-01T04:00:00+00:00", "ends_at": "2026-12-01T04:30:00+00:00",
                "centre_id": KARASAI, "specialist_id": "career-consultant", "space_id": None, "free": 1}
Member = {"id": MEMBER_ID, "full_name": "Aigerim Nurlanova", "birth_date": "2004-05-17",
          "phone": "+7 701 540 38 05", "email": None, "telegram": None, "district_id": "karasai",
          "language": "kk", "categories": [], "iin": None, "status": "active",
          "registered_at": "2026-11-30T18:32:13.722880+00:00", "consent_at": "2026-11-30T18:32:13.722880+00:00"}
Booking = {"id": "f1c55b57-672e-42db-9d8c-cbed8c9356e4", "kind": "consultation", "state": "confirmed",
           "member_id": MEMBER_ID, "centre_id": KARASAI, "resource_id": "career-consultant", "service_id": "jobs",
           "specialist_id": "career-consultant", "space_id": None, "session_id": None, "programme_id": None,
           "starts_at": "2026-12-01T04:00:00+00:00", "ends_at": "2026-12-01T04:30:00+00:00", "reason": None,
           "created_at": "2026-11-30T18:32:13.805656+00:00", "updated_at": "2026-11-30T18:32:13.805661+00:00",
           "cancel_until": "2026-12-01T03:00:00+00:00", "move_until": "2026-12-01T02:00:00+00:00"}
WaitlistEntry = {"id": "9d0c4f0e-3b7a-4f55-9a39-2f4f3c1b8e21", "resource_id": "sewing-spring-1",
                 "centre_id": KARASAI, "member_id": MEMBER_ID, "position": 1, "state": "waiting",
                 "offer_expires_at": None, "booking_id": None, "created_at": "2026-11-30T18:40:11+00:00"}
Message = {"id": "6e52c529-b6ee-41e2-97db-bebda98dadfe", "member_id": MEMBER_ID, "booking_id": Booking["id"],
           "message_type": "booking_confirmed", "channel": "log", "status": "queued", "attempts": 0,
           "provider_message_id": None, "last_error": None,
           "next_attempt_at": "2026-11-30T18:32:13.822943+00:00", "created_at": "2026-11-30T18:32:13.822943+00:00",
           "sent_at": None}
StaffAccount = {"id": "ee8a3722-fea1-46ee-86fa-259e2fb5db76", "phone": "+7 701 555 80 73",
                "full_name": "Dana Seitkali", "role": "staff", "centre_ids": [KARASAI], "active": True,
                "created_at": "2026-11-30T18:38:02+00:00"}
ApiKey = {"id": KEY_ID, "name": "Career Centre app", "created_at": "2026-11-30T18:38:02+00:00", "revoked_at": None}
Webhook = {"id": WEBHOOK_ID, "owner": KEY_ID, "url": "https://partner.example.kz/hooks/jastar",
           "event_types": ["booking.*"], "description": "bookings to our CRM", "active": True,
           "disabled_reason": None, "created_at": "2026-11-30T18:41:00+00:00"}
Delivery = {"id": "c2b1a0f4-7d2e-4c59-8f1a-0e9d8c7b6a55", "subscription_id": WEBHOOK_ID,
            "event_id": "0b8f3a52-1c6d-4e7f-9a2b-3c4d5e6f7a8b", "event_type": "booking.created", "status": "sent",
            "attempts": 1, "next_attempt_at": "2026-11-30T18:42:00+00:00", "last_status_code": 200,
            "last_error": None, "response_ms": 84, "created_at": "2026-11-30T18:42:00+00:00",
            "sent_at": "2026-11-30T18:42:01+00:00"}


def _page(item, total, limit=1):
    return {"total": total, "limit": limit, "offset": 0, "items": [item]}


EXAMPLES = {
    "DistrictPage": _page(District, 10),
    "CentrePage": _page(Centre, 7),
    "CentreDetail": {
        **Centre, "id": KARASAI, "district_id": "karasai", "name_kk": "Қарасай ауданының Жастар ресурстық орталығы",
        "name_ru": "Молодёжный ресурсный центр Карасайского района", "address": "Қаскелең қ.", "status": "open",
        "floors": 2, "area_m2": 1000, "opening_date": "2025-12-13", "planned_year": None,
        "opening_hours": {**{day: WEEKDAY_HOURS for day in ("mon", "tue", "wed", "thu", "fri")},
                          "sat": [["10:00", "18:00"]]},
        "spaces": [Space], "services": [Service], "partners": [Partner]},
    "ServicePage": _page(Service, 7),
    "SpecialistPage": _page(Specialist, 6),
    "ProgrammePage": _page(Programme, 3),
    "ProgrammeDetail": {**Programme, "sessions": [SessionSeats]},
    "AvailabilityPage": _page(Availability, 144),
    "Member": Member,
    "CodeSent": {"sent": True, "expires_in": 300, "code": "868029"},
    "Token": {"access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MDZm...c2lnbmF0dXJl",
              "token_type": "Bearer", "expires_in": 3600},
    "BookingMade": {"booking": Booking},
    "Booking": Booking,
    "BookingPage": _page(Booking, 1),
    "WaitlistEntryPage": _page(WaitlistEntry, 1, limit=20),
    "MessagePage": _page(Message, 2),
    "ChannelPreferences": {"member_id": MEMBER_ID, "channels": ["sms"], "telegram_chat_id": None,
                           "quiet_hours": {"from": "22:00", "to": "08:00"}, "default": False},
    "Health": {"status": "ok"},
    "Ready": {"status": "ready", "services": {"registry": "ok", "booking": "ok", "notifications": "ok"}},
    "StaffAccount": StaffAccount,
    "SchedulePage": _page(Schedule, 1, limit=20),
    "StaffAccountPage": _page(StaffAccount, 1),
    "ApiKeyCreated": {"id": KEY_ID, "name": ApiKey["name"],
                      "key": f"jh_{KEY_ID}.kLZro3nkisfrd7Un1bNZt-HkYrEAyU_4"},
    "ApiKeyPage": _page(ApiKey, 1),
    "WebhookCreated": {**Webhook, "secret": "whsec_MfKQ9r8GKYqTz1ubCbmQ9Ap3ZCQfTbtl"},
    "WebhookPage": _page(Webhook, 1, limit=20),
    "DeliveryPage": _page(Delivery, 1, limit=20),
    "WaitlistEntry": WaitlistEntry,
    "WaitlistJoined": {"waitlist": WaitlistEntry},
    "Webhook": Webhook,
    "Delivery": Delivery,
    "Message": Message,
    "ApiKey": ApiKey,
    "Centre": Centre,
    "District": District,
    "Service": Service,
    "Programme": Programme,
    "Space": Space,
    "Partner": Partner,
    "Region": Region,
    "Page": {"total": 7, "limit": 20, "offset": 0, "items": []},
    "CalendarFeed": {"url": "http://127.0.0.1:8000/v1/calendar/p3QvbL9wX2kE7rT0aYc4sJ1uN8dF6gH5mZqWxVyB0oI.ics"},
}
