"""A steady load of bookings from retrying clients, as an operator would
measure it: each client is a signed-in member booking coworking desks one
hour at a time, each request with its own Idempotency-Key, repeated (same
key) after a 503 or a refused connection until it gets an answer."""
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import requests

from jastar_common.calendar import ALMATY, days_off
from jastar_devkit import helpers

SPACE = "konaev-desks"  # capacity 20, Mon-Sat 09:00-21:00, no approval needed
HANG_SECONDS = 15
RETRY_AFTER_CAP = 2  # the test honours Retry-After, but no longer than this, to stay short


def desk_hours(days=100, first_day=2):
    """Every bookable hour of the desks in the window, as (starts_at, ends_at) ISO strings."""
    today = datetime.now(ALMATY).date()
    slots = []
    for n in range(first_day, first_day + days):
        day = today + timedelta(days=n)
        if day.weekday() == 6 or day in days_off(day.year):
            continue
        for hour in range(9, 21):
            start = datetime(day.year, day.month, day.day, hour, tzinfo=ALMATY)
            slots.append((start.isoformat(), (start + timedelta(hours=1)).isoformat()))
    return slots


def sign_up(base, n):
    made, token = helpers.sign_up(base, helpers.new_phone(n, "707"), full_name=f"Жүктеме қатысушы {n}",
                                  birth_date="2003-04-05", language="ru", district_id="konaev")
    return made["id"], token["access_token"]


@dataclass
class Answer:
    at: float  # time.monotonic() when it came
    status: object  # an HTTP status, or "refused" (no listener), "hang" (no answer in time)
    seconds: float
    retry_after: str = None


@dataclass
class Client:
    base: str
    member_id: str
    token: str
    slots: list
    answers: list = field(default_factory=list)
    created: dict = field(default_factory=dict)  # Idempotency-Key -> booking id

    def book_one(self, key, slot):
        """One logical booking, repeated with its key until answered: the
        client must learn whether it was booked, even if the test is stopping."""
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        body = {"kind": "space", "space_id": SPACE, "starts_at": slot[0], "ends_at": slot[1]}
        while True:
            started = time.monotonic()
            try:
                response = session.post(self.base + "/v1/bookings", json=body, timeout=HANG_SECONDS + 5,
                                        headers={"Idempotency-Key": key})
            except requests.ConnectionError:  # the gateway is down: no one to answer a 503
                self.answers.append(Answer(time.monotonic(), "refused", time.monotonic() - started))
                time.sleep(0.5)
                continue
            except requests.Timeout:
                self.answers.append(Answer(time.monotonic(), "hang", time.monotonic() - started))
                continue
            answer = Answer(time.monotonic(), response.status_code, time.monotonic() - started,
                            response.headers.get("Retry-After"))
            self.answers.append(answer)
            # 503, or 409 "this key's request is still being answered": come back as told
            if response.status_code == 503 or (response.status_code == 409 and answer.retry_after):
                time.sleep(min(RETRY_AFTER_CAP, float(answer.retry_after or 1)))
                continue
            if response.status_code == 201:
                made = response.json()
                self.created[key] = made.get("booking", made)["id"]
            return response

    def run(self, prefix, stop, pause):
        while not stop.is_set() and self.slots:
            slot = self.slots.pop()
            self.book_one(f"{prefix}-{self.member_id[:8]}-{slot[0]}", slot)
            time.sleep(pause)


class Load:
    def __init__(self, clients, prefix, pause=0.5):
        self.clients, self.prefix, self.pause = clients, prefix, pause
        self.stop_event = threading.Event()
        self.threads = []
        self.marks = len(clients) * [0]

    def __enter__(self):
        for client in self.clients:
            client.answers, client.created = [], {}
            thread = threading.Thread(target=client.run, args=(self.prefix, self.stop_event, self.pause),
                                      daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self, seconds=120):
        """Stop asking for new bookings; let the ones in flight get their answer."""
        self.stop_event.set()
        deadline = time.monotonic() + seconds
        for thread in self.threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "a client is still waiting for an answer"

    def __exit__(self, *exc):
        self.stop()

    @property
    def answers(self):
        return [a for c in self.clients for a in c.answers]

    @property
    def created(self):
        return {key: booking for c in self.clients for key, booking in c.created.items()}


def make_clients(base, count, first_number):
    slots = desk_hours()
    clients = []
    for n in range(count):
        member_id, token = sign_up(base, first_number + n)
        own = slots[:]
        random.Random(n).shuffle(own)
        clients.append(Client(base, member_id, token, own))
    return clients
