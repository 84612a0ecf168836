"""Problem titles in Kazakh, Russian and English (Accept-Language picks)."""
TITLES = {
    "invalid_input": {"kk": "Деректер қате", "ru": "Неверные данные", "en": "Invalid input"},
    "not_found": {"kk": "Табылмады", "ru": "Не найдено", "en": "Not found"},
    "conflict": {"kk": "Қайшылық", "ru": "Конфликт", "en": "Conflict"},
    "slot_taken": {"kk": "Бұл уақыт бос емес", "ru": "Это время уже занято", "en": "That slot is taken"},
    "rule_broken": {"kk": "Ереже бұзылды", "ru": "Нарушено правило", "en": "A rule forbids this"},
    "not_allowed": {"kk": "Рұқсат жоқ", "ru": "Нет доступа", "en": "Not allowed"},
    "unauthenticated": {"kk": "Кіру қажет", "ru": "Требуется вход", "en": "Sign in required"},
    "forbidden": {"kk": "Рұқсат жоқ", "ru": "Нет доступа", "en": "Forbidden"},
    "service_unavailable": {"kk": "Қызмет уақытша қолжетімсіз", "ru": "Сервис временно недоступен",
                            "en": "Service temporarily unavailable"},
    "not_ready": {"kk": "Жүйе дайын емес", "ru": "Система не готова", "en": "Not ready"},
    "too_many_requests": {"kk": "Сұраулар тым көп", "ru": "Слишком много запросов",
                          "en": "Too many requests"},
    "payload_too_large": {"kk": "Сұрау тым үлкен", "ru": "Слишком большой запрос",
                          "en": "Request body too large"},
    "method_not_allowed": {"kk": "Әдіс рұқсат етілмеген", "ru": "Метод не разрешён",
                           "en": "Method not allowed"},
    "bad_request": {"kk": "Қате сұрау", "ru": "Неверный запрос", "en": "Bad request"},
    "internal_error": {"kk": "Ішкі қате", "ru": "Внутренняя ошибка", "en": "Internal error"},
    "idempotency_key_reused": {"kk": "Idempotency-Key басқа сұрауда қолданылған",
                               "ru": "Idempotency-Key уже использован для другого запроса",
                               "en": "Idempotency-Key used for a different request"},
}
LANGUAGES = ("kk", "ru", "en")


def language_of(accept_language):
    """The first of kk, ru, en the client accepts, by its q order; en by default."""
    choices = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            choices.append((-quality, n, primary))
    return min(choices)[2] if choices else "en"


def title(code, language, fallback):
    return TITLES.get(code, {}).get(language) or fallback
