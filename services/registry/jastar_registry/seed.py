"""Demo data from the seed article (Kazpravda, 13 December 2025): Almaty
region's youth resource centres. Loading it twice changes nothing."""
from datetime import date

from jastar_common.database import make_engine, make_session_factory

from .domain import services
from .models import start_mappers
from .repository import RegistryUnitOfWork

# (id, kk, ru, administrative centre, youth population where the article gives it)
DISTRICTS = [
    ("karasai", "Қарасай ауданы", "Карасайский район", "Қаскелең", 82_000),
    ("konaev", "Қонаев қаласы", "город Конаев", "Қонаев", None),
    ("ili", "Іле ауданы", "Илийский район", "Өтеген батыр", None),
    ("talgar", "Талғар ауданы", "Талгарский район", "Талғар", None),
    ("zhambyl", "Жамбыл ауданы", "Жамбылский район", "Ұзынағаш", None),
    ("enbekshikazakh", "Еңбекшіқазақ ауданы", "Енбекшиказахский район", "Есік", None),
    ("uighur", "Ұйғыр ауданы", "Уйгурский район", "Шонжы", None),
]

CENTRES = [
    dict(id="karasai-yrc", district_id="karasai", status="open", opening_date=date(2025, 12, 13),
         name_kk="Қарасай ауданының Жастар ресурстық орталығы",
         name_ru="Молодёжный ресурсный центр Карасайского района",
         address="Қаскелең қ."),
    dict(id="konaev-coworking", district_id="konaev", status="open", opening_date=None,
         name_kk="Қонаев жастар коворкингі", name_ru="Молодёжный коворкинг Конаева",
         address="Қонаев қ."),
    dict(id="ili-coworking", district_id="ili", status="open", opening_date=None,
         name_kk="Іле ауданының жастар коворкингі", name_ru="Молодёжный коворкинг Илийского района",
         address="Өтеген батыр к."),
] + [
    dict(id=f"{district}-yrc", district_id=district, status="planned", opening_date=None,
         name_kk=f"{kk.replace(' ауданы', '')} ауданының Жастар ресурстық орталығы",
         name_ru=f"Молодёжный ресурсный центр ({ru})", address=admin)
    for district, kk, ru, admin, _ in DISTRICTS if district in ("talgar", "zhambyl", "enbekshikazakh", "uighur")
]


def load_demo_data(url):
    start_mappers()
    engine = make_engine(url, pool_size=1)
    uow = lambda: RegistryUnitOfWork(make_session_factory(engine), "registry")  # noqa: E731
    counts = {"districts": 0, "centres": 0}
    try:
        known = {d.id for d in services.list_districts(uow())}
        for district_id, kk, ru, admin, youth in DISTRICTS:
            if district_id not in known:
                services.upsert_district(uow(), dict(id=district_id, name_kk=kk, name_ru=ru,
                                                     admin_centre=admin, youth_population=youth))
                counts["districts"] += 1
        known = {c.id for c in services.list_centres(uow())}
        for centre in CENTRES:
            if centre["id"] not in known:
                services.create_centre(uow(), centre)
                counts["centres"] += 1
    finally:
        engine.dispose()
    return counts
