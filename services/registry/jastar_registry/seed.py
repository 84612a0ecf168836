"""Demo data from the seed article (Kazpravda, 13 December 2025): the Youth
Resource Centres of Almaty region. Figures the article gives are used as given
(432 000 young people in the region, 82 000 in Karasai district; the Karasai
centre: two floors, 1 000 m², opened on the eve of Independence Day); what it
does not give (hours, capacities, names of staff, course dates) is plausible
demo content. Everything has a fixed id, so loading twice changes nothing."""
from datetime import date, datetime, time, timedelta

from jastar_common.calendar import ALMATY, local_date
from jastar_common.clock import utcnow
from jastar_common.database import make_engine, make_session_factory

from .domain import catalogue
from .models import start_mappers
from .repository import RegistryUnitOfWork

WORKDAYS = {day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
KARASAI = "karasai-yrc"

REGIONS = [dict(id="almaty-region", name_kk="Алматы облысы", name_ru="Алматинская область",
                youth_population=432_000)]

# (id, kk, ru, administrative centre, kind, youth population where the article gives it)
DISTRICTS = [
    ("karasai", "Қарасай ауданы", "Карасайский район", "Қаскелең", "district", 82_000),
    ("konaev", "Қонаев қаласы", "город Конаев", "Қонаев", "city", None),
    ("ili", "Іле ауданы", "Илийский район", "Өтеген батыр", "district", None),
    ("talgar", "Талғар ауданы", "Талгарский район", "Талғар", "district", None),
    ("zhambyl", "Жамбыл ауданы", "Жамбылский район", "Ұзынағаш", "district", None),
    ("enbekshikazakh", "Еңбекшіқазақ ауданы", "Енбекшиказахский район", "Есік", "district", None),
    ("uighur", "Ұйғыр ауданы", "Уйгурский район", "Шонжы", "district", None),
    ("balkhash", "Балқаш ауданы", "Балхашский район", "Бақанас", "district", None),
    ("kegen", "Кеген ауданы", "Кегенский район", "Кеген", "district", None),
    ("raiymbek", "Райымбек ауданы", "Райымбекский район", "Нарынқол", "district", None),
]

CENTRES = [
    dict(id=KARASAI, district_id="karasai", status="open", floors=2, area_m2=1000,
         opening_date=date(2025, 12, 13),
         name_kk="Қарасай ауданының Жастар ресурстық орталығы",
         name_ru="Молодёжный ресурсный центр Карасайского района", address="Қаскелең қ.",
         opening_hours={**{d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                        "sat": [["10:00", "18:00"]]}),
    dict(id="konaev-coworking", district_id="konaev", status="open",
         name_kk="Қонаев жастар коворкингі", name_ru="Молодёжный коворкинг Конаева", address="Қонаев қ.",
         opening_hours={d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}),
    dict(id="ili-coworking", district_id="ili", status="open",
         name_kk="Іле ауданының жастар коворкингі", name_ru="Молодёжный коворкинг Илийского района",
         address="Өтеген батыр а.",
         opening_hours={d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}),
] + [
    dict(id=f"{district}-yrc", district_id=district, status="planned", planned_year=2026,
         name_kk=f"{kk.removesuffix(' ауданы')} ауданының Жастар ресурстық орталығы",
         name_ru=f"Молодёжный ресурсный центр ({ru})", address=admin)
    for district, kk, ru, admin, _, _ in DISTRICTS
    if district in ("talgar", "zhambyl", "enbekshikazakh", "uighur")
]

SPACES = [
    dict(id="karasai-sewing", centre_id=KARASAI, kind="sewing_workshop", floor=1, capacity=12,
         name_kk="Әлеуметтік тігін шеберханасы", name_ru="Социальная швейная мастерская",
         grid_minutes=60, min_minutes=60, max_minutes=240, needs_approval=True,
         equipment=["швейные машины", "оверлок", "раскройный стол"]),
    dict(id="karasai-studio", centre_id=KARASAI, kind="recording_studio", floor=2, capacity=1,
         status="planned", name_kk="Дыбыс жазу студиясы", name_ru="Студия звукозаписи",
         grid_minutes=60, min_minutes=60, max_minutes=180, buffer_minutes=15, needs_approval=True,
         equipment=["микрофоны", "звуковая карта", "мониторы"]),
    dict(id="karasai-podcast", centre_id=KARASAI, kind="podcast_zone", floor=2, capacity=1,
         status="planned", name_kk="Подкаст аймағы", name_ru="Подкаст-зона",
         grid_minutes=30, min_minutes=60, max_minutes=120, buffer_minutes=15,
         equipment=["4 микрофона", "камера", "свет"]),
    dict(id="karasai-hall", centre_id=KARASAI, kind="hall", floor=1, capacity=120,
         name_kk="Акт залы", name_ru="Актовый зал", grid_minutes=60, min_minutes=60,
         max_minutes=240, needs_approval=True),
    dict(id="karasai-room-1", centre_id=KARASAI, kind="consultation_room", floor=1, capacity=1,
         name_kk="Кеңес бөлмесі", name_ru="Кабинет консультаций"),
    dict(id="konaev-desks", centre_id="konaev-coworking", kind="coworking", capacity=20,
         name_kk="Коворкинг үстелдері", name_ru="Места в коворкинге", grid_minutes=60,
         min_minutes=60, max_minutes=480, equipment=["Wi-Fi", "принтер"]),
    dict(id="ili-desks", centre_id="ili-coworking", kind="coworking", capacity=16,
         name_kk="Коворкинг үстелдері", name_ru="Места в коворкинге", grid_minutes=60,
         min_minutes=60, max_minutes=480, equipment=["Wi-Fi"]),
]

PARTNERS = [
    dict(id="career-centre", kind="career_centre", name_kk="Мансап орталығы", name_ru="Центр карьеры"),
    dict(id="otbasy-bank", kind="bank", name_kk="Отбасы банк", name_ru="Отбасы банк",
         website="https://hcsbk.kz"),
    dict(id="youth-health-centre", kind="health_centre", name_kk="Жастар денсаулығы орталығы",
         name_ru="Центр молодёжного здоровья"),
]

# (service id, topic, kk, ru, minutes, partner)
SERVICES = [
    ("jobs", "jobs", "Жұмысқа орналасу бойынша кеңес", "Консультация по трудоустройству", 30, "career-centre"),
    ("housing", "housing", "Тұрғын үй алу бойынша кеңес", "Консультация по получению жилья", 30, "otbasy-bank"),
    ("health", "health", "Жастар денсаулығы бойынша кеңес", "Консультация по здоровью молодёжи", 30,
     "youth-health-centre"),
    ("psychologist", "psychologist", "Психолог кеңесі", "Консультация психолога", 50, None),
    ("lawyer", "lawyer", "Заңгер кеңесі", "Консультация юриста", 30, None),
    ("state-programmes", "state_programmes", "Мемлекеттік бағдарламалар бойынша кеңес",
     "Консультация по госпрограммам", 30, None),
    ("own-business", "own_business", "Өз бизнесін ашу бойынша кеңес",
     "Консультация по открытию своего бизнеса", 45, None),
]

# (id, name, title kk, title ru, partner, services, weekly hours)
SPECIALISTS = [
    ("career-consultant", "Айгерім Сапарова", "Мансап орталығының кеңесшісі",
     "Консультант Центра карьеры", "career-centre", ["jobs"], WORKDAYS),
    ("otbasy-consultant", "Ерлан Жұмабаев", "Отбасы банк маманы", "Специалист Отбасы банка",
     "otbasy-bank", ["housing"], WORKDAYS),
    ("health-consultant", "Динара Омарова", "Жастар денсаулығы орталығының дәрігері",
     "Врач Центра молодёжного здоровья", "youth-health-centre", ["health"], WORKDAYS),
    ("psychologist", "Әлия Нұрланқызы", "Психолог", "Психолог", None, ["psychologist"],
     {day: [["10:00", "13:00"], ["14:00", "19:00"]] for day in ("tue", "wed", "thu", "fri", "sat")}),
    ("lawyer", "Нұрлан Бекенов", "Заңгер", "Юрист", None, ["lawyer"], WORKDAYS),
    ("state-programmes-specialist", "Гүлнара Тоқтарова", "Мемлекеттік бағдарламалар маманы",
     "Специалист по госпрограммам", None, ["state-programmes", "own-business"], WORKDAYS),
]

PROGRAMMES = [
    dict(id="sewing-course", centre_id=KARASAI, kind="course", capacity=12,
         target_group="young_women_and_mothers", whole_course=True,
         name_kk="Пішу және тігу курсы", name_ru="Курс кройки и шитья",
         description_kk="Жас қыздар мен аналарға арналған тегін курс: өзін-өзі жұмыспен қамту мен қосымша табыс.",
         description_ru="Бесплатный курс для девушек и мам: навыки для самозанятости и дополнительного дохода."),
    dict(id="youth-evening", centre_id=KARASAI, kind="event", capacity=100,
         name_kk="Жастар мәдени кеші", name_ru="Молодёжный культурный вечер"),
    dict(id="business-basics", centre_id=KARASAI, kind="training", capacity=25,
         name_kk="Бизнес негіздері", name_ru="Основы предпринимательства"),
]


def _sessions(today):
    """Sessions from next week on (the ids are fixed; a later load skips them)."""
    monday = today + timedelta(days=7 - today.weekday())

    def at(day, start, end):
        local = lambda t: datetime.combine(day, t, tzinfo=ALMATY)  # noqa: E731
        return local(start), local(end)

    sessions = []
    for n in range(8):  # sewing: Tuesdays and Thursdays, four weeks
        day = monday + timedelta(days=7 * (n // 2) + (1 if n % 2 == 0 else 3))
        starts, ends = at(day, time(10), time(12))
        sessions.append(dict(id=f"sewing-course-{n + 1}", programme_id="sewing-course",
                             space_id="karasai-sewing", starts_at=starts, ends_at=ends, language="kk"))
    starts, ends = at(monday + timedelta(days=5), time(17), time(19))
    sessions.append(dict(id="youth-evening-1", programme_id="youth-evening", space_id="karasai-hall",
                         starts_at=starts, ends_at=ends, language="kk"))
    for n in range(3):
        starts, ends = at(monday + timedelta(days=2 + 7 * n), time(15), time(17))
        sessions.append(dict(id=f"business-basics-{n + 1}", programme_id="business-basics",
                             space_id="karasai-hall", starts_at=starts, ends_at=ends, language="ru"))
    return sessions


def demo_records(today):
    """(kind, data) in the order references need them."""
    yield from (("region", r) for r in REGIONS)
    for district_id, kk, ru, admin, kind, youth in DISTRICTS:
        yield "district", dict(id=district_id, name_kk=kk, name_ru=ru, admin_centre=admin, kind=kind,
                               youth_population=youth)
    yield from (("centre", c) for c in CENTRES)
    yield from (("space", s) for s in SPACES)
    yield from (("partner", p) for p in PARTNERS)
    for service_id, topic, kk, ru, minutes, partner in SERVICES:
        yield "service", dict(id=service_id, topic=topic, name_kk=kk, name_ru=ru, slot_minutes=minutes,
                              partner_id=partner, centre_ids=[KARASAI])
    for specialist_id, name, title_kk, title_ru, partner, service_ids, weekly in SPECIALISTS:
        yield "specialist", dict(id=specialist_id, full_name=name, title_kk=title_kk, title_ru=title_ru,
                                 partner_id=partner, centre_id=None if partner else KARASAI,
                                 service_ids=service_ids)
        yield "schedule", dict(id=f"{specialist_id}-karasai", specialist_id=specialist_id,
                               centre_id=KARASAI, weekly=weekly)
    yield from (("programme", p) for p in PROGRAMMES)
    yield from (("session", s) for s in _sessions(today))


def load_demo_data(url, today=None):
    """Create what is missing; returns how many of each kind were created."""
    start_mappers()
    now = utcnow()  # the seed is no worker: the clock itself, read once
    today = today or local_date(now)
    engine = make_engine(url, pool_size=1)
    factory = make_session_factory(engine)
    counts = {}
    try:
        for kind, data in demo_records(today):
            counts.setdefault(kind, 0)
            uow = RegistryUnitOfWork(factory, "registry")
            with uow:
                exists = uow.repository(kind).get(data["id"]) is not None
            if not exists:
                catalogue.create(RegistryUnitOfWork(factory, "registry"), kind, _with_defaults(kind, data), now)
                counts[kind] += 1
    finally:
        engine.dispose()
    return counts


def _with_defaults(kind, data):
    """Run demo data through the same schema as RPC input (defaults, checks)."""
    from .schemas import create_schema
    return create_schema(kind).load(_jsonable(data))


def _jsonable(data):
    return {key: value.isoformat() if isinstance(value, (date, datetime)) else value
            for key, value in data.items()}
