"""Problems in Kazakh, Russian and English (Accept-Language picks): their
titles, their detail and the messages about each field."""
import re

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


# What problems say (detail) and the messages per field, in kk and ru. The
# services and marshmallow write English; a text not listed stays English.
MESSAGES = {
    # marshmallow's own
    "Missing data for required field.": ("Міндетті өріс толтырылмаған.", "Обязательное поле не заполнено."),
    "Unknown field.": ("Белгісіз өріс.", "Неизвестное поле."),
    "Field may not be null.": ("Өріс бос болмауы керек.", "Поле не может быть пустым."),
    "Not a valid string.": ("Мәтін емес.", "Не строка."),
    "Not a valid integer.": ("Бүтін сан емес.", "Не целое число."),
    "Not a valid number.": ("Сан емес.", "Не число."),
    "Not a valid boolean.": ("true немесе false болуы керек.", "Должно быть true или false."),
    "Not a valid date.": ("Күн қате (ЖЖЖЖ-АА-КК).", "Неверная дата (ГГГГ-ММ-ДД)."),
    "Not a valid datetime.": ("Уақыт қате (ISO 8601).", "Неверное время (ISO 8601)."),
    "Not a valid aware datetime.": ("Уақыт белдеуі бар уақыт керек (ISO 8601).",
                                    "Нужно время с часовым поясом (ISO 8601)."),
    "Not a valid list.": ("Тізім емес.", "Не список."),
    "Not a valid mapping type.": ("Объект емес.", "Не объект."),
    "Invalid input type.": ("Деректер түрі қате.", "Неверный тип данных."),
    "Not a valid URL.": ("URL қате.", "Неверный URL."),
    "Not a valid email address.": ("Электрондық пошта қате.", "Неверный адрес почты."),
    "String does not match expected pattern.": ("Мәтін үлгіге сәйкес келмейді.",
                                                "Строка не соответствует формату."),
    "Invalid value.": ("Мән қате.", "Неверное значение."),
    # the gateway's
    "invalid body": ("Сұрау денесі қате", "Неверное тело запроса"),
    "invalid query": ("Сұрау параметрлері қате", "Неверные параметры запроса"),
    "the body is not JSON": ("Сұрау денесі JSON емес", "Тело запроса не JSON"),
    "not valid JSON": ("JSON қате", "Неверный JSON"),
    "unknown query parameters": ("Белгісіз сұрау параметрлері", "Неизвестные параметры запроса"),
    "unknown field": ("белгісіз өріс", "неизвестное поле"),
    "the body must be an object": ("Сұрау денесі объект болуы керек", "Тело запроса должно быть объектом"),
    "must be an object": ("объект болуы керек", "должно быть объектом"),
    "text with characters that cannot be stored": ("Сақтауға болмайтын таңбалары бар мәтін",
                                                   "Текст с символами, которые нельзя сохранить"),
    "contains a NUL or an unpaired surrogate": ("NUL немесе жұпсыз суррогат бар",
                                                "содержит NUL или непарный суррогат"),
    "bad Idempotency-Key": ("Idempotency-Key қате", "Неверный Idempotency-Key"),
    "1 to 100 characters": ("1-ден 100 таңбаға дейін", "от 1 до 100 символов"),
    "this Idempotency-Key was used for a different request": (
        "Бұл Idempotency-Key басқа сұрауда қолданылған", "Этот Idempotency-Key уже использован для другого запроса"),
    "already used with another method, path or body": (
        "басқа әдіспен, жолмен немесе денемен қолданылған", "уже использован с другим методом, путём или телом"),
    "a request with this Idempotency-Key is still being answered; try again": (
        "Осы Idempotency-Key бар сұрау әлі өңделуде; қайталап көріңіз",
        "Запрос с этим Idempotency-Key ещё выполняется; повторите позже"),
    "in use by a request still running": ("әлі орындалып жатқан сұрауда", "занят выполняемым запросом"),
    "invalid phone": ("Телефон нөмірі қате", "Неверный номер телефона"),
    "say what to look at": ("Не қарайтыныңызды көрсетіңіз", "Укажите, что смотреть"),
    "a time of day as HH:MM (00:00-23:59)": ("Уақыт СС:ММ түрінде (00:00-23:59)",
                                             "Время в виде ЧЧ:ММ (00:00-23:59)"),
    "from and to must differ": ("Басталуы мен аяқталуы әртүрлі болуы керек",
                                "Начало и конец должны различаться"),
    "sign in first": ("Алдымен кіріңіз", "Сначала войдите"),
    "invalid API key": ("API кілті қате", "Неверный ключ API"),
    "wrong or expired code": ("Код қате немесе мерзімі өткен", "Неверный или просроченный код"),
    "use Authorization: Bearer <token>": ("Authorization: Bearer <token> жіберіңіз",
                                          "Используйте Authorization: Bearer <token>"),
    "the account is no longer active": ("Есептік жазба енді белсенді емес", "Учётная запись больше не активна"),
    "too many requests": ("Сұраулар тым көп", "Слишком много запросов"),
    "The requested URL was not found on the server. If you entered the URL manually please check your "
    "spelling and try again.": ("Сұралған мекенжай табылмады.", "Запрошенный адрес не найден."),
    "The method is not allowed for the requested URL.": ("Бұл мекенжайға бұл әдіс рұқсат етілмеген.",
                                                         "Этот метод не разрешён для этого адреса."),
    "required": ("міндетті", "обязательно"),
    # the services' most frequent
    "that slot is taken": ("Бұл уақыт бос емес", "Это время уже занято"),
    "that slot was just taken": ("Бұл уақытты жаңа ғана біреу алды", "Это время только что заняли"),
    "the specialist has no slot at that time": ("Маманның бұл уақытта бос орны жоқ",
                                                "У специалиста нет приёма в это время"),
    "no specialist gives this service at that time": ("Бұл уақытта бұл қызметті беретін маман жоқ",
                                                      "В это время эту услугу никто не оказывает"),
    "the space is full then": ("Бұл уақытта орын толы", "В это время мест нет"),
    "you already have a seat": ("Сізде орын бар", "У вас уже есть место"),
    "you are already on the waitlist": ("Сіз күту тізіміндесіз", "Вы уже в листе ожидания"),
    "the offer has expired": ("Ұсыныстың мерзімі өтті", "Срок предложения истёк"),
    "not open for enrolment": ("Жазылу ашық емес", "Запись закрыта"),
    "no member matches": ("Мұндай қатысушы жоқ", "Участник не найден"),
    "the member is not active": ("Қатысушы белсенді емес", "Участник не активен"),
    "not a centre you work at": ("Сіз бұл орталықта жұмыс істемейсіз", "Вы не работаете в этом центре"),
    "members book for themselves": ("Қатысушылар өздері үшін жазылады", "Участники записываются только за себя"),
    "to is before from": ("to мәні from мәнінен бұрын", "to раньше, чем from"),
    "range too long": ("Аралық тым ұзақ", "Слишком длинный период"),
}
PATTERNS = [  # (English with groups, kk, ru): messages with values in them
    (r"Must be one of: (.+)\.", "Мына мәндердің бірі болуы керек: {0}.", "Должно быть одним из: {0}."),
    (r"Length must be between (\d+) and (\d+)\.", "Ұзындығы {0}-ден {1}-ге дейін болуы керек.",
     "Длина должна быть от {0} до {1}."),
    (r"Shorter than minimum length (\d+)\.", "Ұзындығы кемінде {0} болуы керек.", "Длина не меньше {0}."),
    (r"Longer than maximum length (\d+)\.", "Ұзындығы {0}-ден аспауы керек.", "Длина не больше {0}."),
    (r"Length must be (\d+)\.", "Ұзындығы {0} болуы керек.", "Длина должна быть {0}."),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.",
     "{0} мен {1} аралығында болуы керек.", "Должно быть от {0} до {1}."),
    (r"Must be greater than or equal to (\S+)\.", "Кемінде {0} болуы керек.", "Должно быть не меньше {0}."),
    (r"Must be less than or equal to (\S+)\.", "{0}-ден аспауы керек.", "Должно быть не больше {0}."),
    (r"the body may have at most (\d+) bytes", "Сұрау денесі {0} байттан аспауы керек",
     "Тело запроса не больше {0} байт"),
    (r"no such (.+)", "Мұндай {0} жоқ", "Нет такого объекта: {0}"),
    (r"(.+) not found", "{0}: табылмады", "{0}: не найдено"),
    (r"(\S+) may not use this", "{0} мұны қолдана алмайды", "{0}: нет доступа"),
    (r"(.+) is not answering \((.+)\)", "{0} жауап бермейді ({1})", "{0} не отвечает ({1})"),
]
_PATTERNS = [(re.compile(f"^{english}$"), kk, ru) for english, kk, ru in PATTERNS]


def translate(text, language):
    """The text in the language (kk, ru), or as it is (en, or not known)."""
    if language == "en" or not isinstance(text, str):
        return text
    column = 0 if language == "kk" else 1
    known = MESSAGES.get(text)
    if known:
        return known[column]
    for pattern, *templates in _PATTERNS:
        match = pattern.match(text)
        if match:
            return templates[column].format(*match.groups())
    return text


def translate_all(messages, language):
    """Every message of a problem's `fields` ({field: [message, ...]}, nested)."""
    if isinstance(messages, dict):
        return {key: translate_all(value, language) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_all(value, language) for value in messages]
    return translate(messages, language)
