"""Cross-field rules of the catalogue: each returns {field: [message]} (empty
when the object is sound), so every fault is reported at once."""
from .model import SINGLE_BOOKING_SPACES, YOUTH_AGE


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def check_intervals(field, week):
    """Each day's intervals well formed, in order and not overlapping."""
    errors = []
    for day, intervals in (week or {}).items():
        previous_end = -1
        for start, end in sorted(intervals):
            if _minutes(start) >= _minutes(end):
                errors.append(f"{day}: {start}-{end} ends before it starts")
            elif _minutes(start) < previous_end:
                errors.append(f"{day}: {start}-{end} overlaps another interval")
            previous_end = max(previous_end, _minutes(end))
    return {field: errors} if errors else {}


def check_centre(centre, uow):
    errors = check_intervals("opening_hours", centre.opening_hours)
    if centre.status == "open" and not centre.opening_hours:
        errors["opening_hours"] = ["an open centre needs opening hours"]
    return errors


def check_space(space, uow):
    errors = {}
    if space.min_minutes > space.max_minutes:
        errors["min_minutes"] = ["must not exceed max_minutes"]
    for name in ("min_minutes", "max_minutes"):
        if getattr(space, name) % space.grid_minutes:
            errors.setdefault(name, []).append(f"must be a multiple of grid_minutes ({space.grid_minutes})")
    if space.kind in SINGLE_BOOKING_SPACES and space.capacity != 1:
        errors["capacity"] = [f"a {space.kind} holds one booking at a time: capacity 1"]
    return errors


def check_service(service, uow):
    return {}


def check_specialist(specialist, uow):
    if not specialist.partner_id and not specialist.centre_id:
        return {"partner_id": ["a specialist belongs to a partner or to a centre"]}
    return {}


def check_schedule(schedule, uow):
    errors = check_intervals("weekly", schedule.weekly)
    bad = []
    for item in schedule.exceptions:
        if (item.get("start") is None) != (item.get("end") is None):
            bad.append(f"{item['date']}: give both start and end, or neither (whole day)")
        elif item.get("start") and _minutes(item["start"]) >= _minutes(item["end"]):
            bad.append(f"{item['date']}: ends before it starts")
        elif item["kind"] == "extra" and not item.get("start"):
            bad.append(f"{item['date']}: extra hours need start and end")
    if bad:
        errors["exceptions"] = bad
    if schedule.valid_from and schedule.valid_to and schedule.valid_from > schedule.valid_to:
        errors["valid_to"] = ["must not be before valid_from"]
    return errors


def check_programme(programme, uow):
    low, high = YOUTH_AGE
    if not low <= programme.min_age <= programme.max_age <= high:
        return {"min_age": [f"need {low} <= min_age <= max_age <= {high}"]}
    return {}


def check_session(session, uow):
    errors = {}
    if session.starts_at >= session.ends_at:
        errors["ends_at"] = ["must be after starts_at"]
    programme = uow.repository("programme").get(session.programme_id)
    if programme is not None:
        session.centre_id = programme.centre_id
        if session.language not in programme.languages:
            errors["language"] = [f"the programme runs in {', '.join(programme.languages)}"]
    if session.space_id:
        space = uow.repository("space").get(session.space_id)
        if space is not None:
            if programme is not None and space.centre_id != programme.centre_id:
                errors["space_id"] = ["the space is in another centre"]
            capacity = session.capacity or (programme.capacity if programme else 0)
            if space.kind not in ("hall", "sewing_workshop", "coworking") and capacity > space.capacity:
                errors["capacity"] = [f"more than the space holds ({space.capacity})"]
    return errors
