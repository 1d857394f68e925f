"""Slots of a statement that facts hinge on: numbers (with units), dates, names, negation, attribution.

Numbers are normalised ("2,000" = "2000", "50 km" = "50 kilometres"), each paired with the word it counts
("744 civilians") and the words around it, so that different quantities in one sentence are not confused and a
bare figure ("12 million are still working") is compared only with one of the same thing (`same_measure`).
Names are runs of capitalised words; a claim's name is found only where all its words are (`name_covers`);
attribution is who says a statement ("Airwars says", "according to the coalition").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from assistant.text import content_terms, stem

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100, "thousand": 1000,
                 "dozen": 12, "million": 1_000_000}
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_MONEY_SCALE = {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}  # after a currency sign only
_UNITS = {"km": "kilometre", "kilometers": "kilometre", "kilometres": "kilometre", "kilometer": "kilometre",
          "kilometre": "kilometre", "mi": "mile", "miles": "mile", "mile": "mile", "m": "metre", "meters": "metre",
          "metres": "metre", "%": "percent", "percent": "percent", "per cent": "percent", "kg": "kilogram",
          "kilograms": "kilogram", "kilogram": "kilogram", "tonnes": "tonne", "tons": "tonne", "tonne": "tonne",
          "ton": "tonne", "metre": "metre", "meter": "metre", "$": "dollar", "dollars": "dollar",
          "usd": "dollar", "€": "euro", "euros": "euro", "£": "pound", "pounds": "pound"}
_COUNTED_WORD = re.compile(r"\b(?P<word>(?i:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                           r"dozen))(?P<after>(?:(?:\s+|-)[A-Za-z][\w-]*){1,2})")  # "five stores", "eight-year"
_ONE_SPAN = re.compile(r"\bone\s+(year|month|week|decade)\b", re.IGNORECASE)  # not "one day" ("some day")
_FORTNIGHT = re.compile(r"\b(?:a|one)\s+fortnight\b", re.IGNORECASE)
_MONTHS = ("january february march april may june july august september october november december").split()
MONTH = re.compile(r"\b(" + "|".join(m.title() for m in _MONTHS) + r")\b")  # capitalised: not "may"
# Words that may stand capitalised before a month without making it part of a name ("In May"; not "Theresa May")
_BEFORE_MONTH = {"In", "On", "By", "Since", "Until", "From", "Through", "During", "Early", "Late", "Mid", "Last",
                 "Next", "This", "Each", "Every", "Before", "After", "Between", "Of", "Throughout"}
_LAST_WORD = re.compile(r"([\w'-]+)[^\w'-]*$")  # the word before a month, searched in the few characters before it
# A number inside a code is read too: "Q2" against "Q3", "COVID-19" against "COVID-20" are edits to catch.
_NUMBER = re.compile(
    r"(?P<cur>[$€£])?\s?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?"
    r"(?P<scale>thousand|million|billion|trillion|bn)?[\s-]?(?P<unit>%|per cent|percent|[a-zA-Z]+)?"
    r"(?P<after>(?:\s+[A-Za-z][\w-]*){0,2})")
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without|n't|denied|denies|deny|"
                       r"refused|failed to)\b|n't\b", re.IGNORECASE)
_ANTONYMS = [("higher", "lower"), ("more", "less"), ("more", "fewer"), ("gain", "loss"), ("before", "after"),
             ("above", "below"), ("north", "south"), ("east", "west"), ("strong", "weak"), ("success", "failure"),
             ("up", "down"), ("profit", "loss"), ("positive", "negative"), ("largest", "smallest"),
             ("larger", "smaller"), ("warmer", "colder"), ("easier", "harder"), ("early", "late"),
             ("earlier", "later"), ("most", "least"), ("maximum", "minimum"), ("first", "last"),
             ("beginning", "end"), ("supporter", "opponent"), ("supporters", "opponents"), ("winner", "loser"),
             ("winners", "losers"), ("victory", "defeat"), ("guilty", "innocent"), ("legal", "illegal"),
             ("majority", "minority"), ("ally", "enemy"), ("allies", "enemies"), ("older", "younger"),
             ("oldest", "youngest"), ("hired", "fired"), ("good", "poor"), ("good", "bad"), ("better", "worse"),
             ("best", "worst"), ("junior", "senior"), ("freshman", "sophomore"), ("freshman", "junior"),
             ("freshman", "senior"), ("sophomore", "junior"), ("sophomore", "senior")]  # a student's year is one
# Opposite verbs: every form of one stands against every form of the other ("rose" / "falling", "keeps" /
# "replacing"): a reporter rarely keeps the source's tense.
_FORMS = {
    "increase": ("increase", "increases", "increased", "increasing"),
    "decrease": ("decrease", "decreases", "decreased", "decreasing"),
    "rise": ("rise", "rises", "rose", "rising", "risen"),
    "fall": ("fall", "falls", "fell", "falling", "fallen"),
    "grow": ("grow", "grows", "grew", "growing", "grown"),
    "shrink": ("shrink", "shrinks", "shrank", "shrinking", "shrunk"),
    "win": ("win", "wins", "won", "winning"),
    "lose": ("lose", "loses", "lost", "losing"),
    "gain": ("gained", "gaining"),  # "gain" and "gains" are nouns too: "gain" / "loss" is listed above
    "approve": ("approve", "approves", "approved", "approving"),
    "accept": ("accept", "accepts", "accepted", "accepting"),
    "reject": ("reject", "rejects", "rejected", "rejecting"),
    "support": ("support", "supports", "supported", "supporting"),
    "oppose": ("oppose", "opposes", "opposed", "opposing"),
    "strengthen": ("strengthen", "strengthens", "strengthened", "strengthening"),
    "weaken": ("weaken", "weakens", "weakened", "weakening"),
    "allow": ("allow", "allows", "allowed", "allowing"),
    "ban": ("ban", "bans", "banned", "banning"),
    "convict": ("convicted", "convicting"),  # "convicts" are people
    "acquit": ("acquit", "acquits", "acquitted", "acquitting"),
    "keep": ("keep", "keeps", "kept", "keeping"),
    "replace": ("replace", "replaces", "replaced", "replacing"),
}
_OPPOSITE_VERBS = [("increase", "decrease"), ("rise", "fall"), ("grow", "shrink"), ("win", "lose"),
                   ("gain", "lose"), ("approve", "reject"), ("accept", "reject"), ("support", "oppose"),
                   ("strengthen", "weaken"), ("allow", "ban"), ("convict", "acquit"), ("keep", "replace")]
# A word may have several opposites: "rejected" is that of "approved" and of "accepted".
_ANTONYM_OF: dict[str, set[str]] = {}
for _a, _b in _ANTONYMS + [(a, b) for x, y in _OPPOSITE_VERBS for a in _FORMS[x] for b in _FORMS[y]]:
    _ANTONYM_OF.setdefault(_a, set()).add(_b)
    _ANTONYM_OF.setdefault(_b, set()).add(_a)
# One way only: a claim that someone won where the source says nominated overstates it (the reverse need not).
_OVERSTATED = {"won": {"nominated"}, "wins": {"nominated"}}
_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?|[A-Z]{2,}|[A-Z]\.(?:[A-Z]\.)+)"
                   r"(?:\s+(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?|[A-Z]{2,}|of|de|al|bin)\b)*")
_ACCORDING = re.compile(r"(?i:according to)\s+(?:the\s+)?([\w .'-]+?)(?:,|;|$|\s\d)")
_SPEECH_VERB = re.compile(r"\b(?:says|said|say|reports|reported|estimates|estimated|claims|claimed|told|stated|"
                          r"announced|counted|counts|confirmed|confirms|noted|argued|argues|insisted|insists|warned|"
                          r"warns|explained|explains|admitted|admits|acknowledged|acknowledges|tweeted)\b")
_SENTENCE_INITIAL = {"The", "A", "An", "But", "And", "He", "She", "They", "It", "In", "On", "At", "According",
                     "Speaking", "This", "That", "There", "We", "I", "If", "When", "While", "After", "Before"}


@dataclass
class Quantity:
    value: float
    unit: str  # normalised unit or the counted noun ("civilians"), "" when unknown
    text: str
    context: frozenset[str] = frozenset()  # stemmed content words around the number: what it counts
    at: int = field(default=-1, compare=False)  # where `text` starts in the text it was read from (-1: unknown)


# Units a figure is measured in: two figures in different ones are not compared, except within a family of
# convertible units (50 km is 31 miles; 3 weeks, 21 days), where they are compared in the family's base unit.
_CONVERTIBLE = {"second": ("time", 1 / 86400), "minute": ("time", 1 / 1440), "hour": ("time", 1 / 24),
                "day": ("time", 1.0), "week": ("time", 7.0), "fortnight": ("time", 14.0), "month": ("time", 30.44),
                "year": ("time", 365.25), "decade": ("time", 3652.5), "metre": ("length", 1.0),
                "kilometre": ("length", 1000.0), "mile": ("length", 1609.34)}
_CONVERSION_TOLERANCE = 0.03  # "6 months" is 26 weeks, 31 miles is 50 km: a conversion is never exact
DAY_OF_MONTH = "day of the month"
_MEASURES = set(_UNITS.values()) | set(_CONVERTIBLE) | {DAY_OF_MONTH}
_CONTEXT_BEFORE, _CONTEXT_AFTER = 2, 3
_NOT_CONTEXT = set(_NUMBER_WORDS) | set(_SCALE) | {"say", "said", "says", "report", "reported", "according", "some",
                                                   "about", "around", "nearly", "almost", "over", "more", "than",
                                                   "least", "only", "just"}


def _context(text: str, start: int, end: int) -> frozenset[str]:
    """Stemmed content words of the few words before a number and after it ("21 million pensioners, of whom ..."):
    what the figure counts, so that figures of different things are not compared."""
    before = text[:start].split()[-_CONTEXT_BEFORE:]
    after = text[end:].split()[:_CONTEXT_AFTER]
    words = content_terms(" ".join(before + after))
    return frozenset(stem(w) for w in words if not w[0].isdigit() and w not in _NOT_CONTEXT)


# "compared with $1.67 billion", "the prior-year levels of $64.2 million and $0.53": a figure of an earlier period
_EARLIER_FIGURE = re.compile(r"(?:\bcompared (?:with|to)|\bversus|\bvs\.?|\b(?:prior|previous)[- ]year(?:'s)?"
                             r"(?: \w+)?(?: of)?|\byear[- ]ago)\s*(?:[$€£]?[\d.,]+\s*(?:million|billion|%)?"
                             r"(?: [a-z]+){0,3}\s*(?:and|or|,)\s*)?$", re.IGNORECASE)


def _said_before(quantity: Quantity, text: str, words: re.Pattern[str], reach: int) -> bool:
    """Whether `words` end just before the figure in `text`, within `reach` characters: where it was read, if it was
    read from this text ("$5m ... compared with $5m a year ago": the second), else its first mention."""
    read_here = quantity.at >= 0 and text.startswith(quantity.text, quantity.at)
    at = quantity.at if read_here else text.find(quantity.text)
    return at >= 0 and words.search(text[max(0, at - reach):at]) is not None


def earlier_figure(quantity: Quantity, text: str) -> bool:
    """Whether the text gives the figure as that of an earlier period, to compare with ("sales of $441 million,
    compared with $1.67 billion in the prior year"): no rival of a claim's figure for now."""
    return _said_before(quantity, text, _EARLIER_FIGURE, 80)


def same_measure(a: Quantity, b: Quantity) -> bool:
    """Whether two figures count the same thing, so that different values conflict: the same unit of measurement
    (never kilometres against miles), else the same counted noun, else a word they share around them
    ("12 million of them are working" and "21 million working pensioners")."""
    if a.unit in _CONVERTIBLE and b.unit in _CONVERTIBLE:
        return _CONVERTIBLE[a.unit][0] == _CONVERTIBLE[b.unit][0]
    if a.unit in _MEASURES or b.unit in _MEASURES:
        return a.unit == b.unit
    if a.unit and a.unit == b.unit:
        return True
    return bool(a.context & b.context)


def same_counted_thing(a: Quantity, b: Quantity) -> bool:
    """Whether two figures count one thing beyond doubt: the same counted noun (not a unit of measure) and another
    word around them in common ("a five-judge bench", "a seven-judge bench")."""
    if not a.unit or a.unit != b.unit or a.unit in _MEASURES:
        return False
    return bool((a.context & b.context) - {stem(a.unit), a.unit})


def convertible(quantity: Quantity) -> bool:
    """Whether a figure is in a unit of time or length, comparable with others of its family after conversion."""
    return quantity.unit in _CONVERTIBLE


def same_amount(a: Quantity, b: Quantity) -> bool:
    """Whether two figures state the same amount: equal in one unit, or equal after conversion ("two decades",
    "20 years"; "a week", "seven days")."""
    if a.unit == b.unit:
        return abs(a.value - b.value) < 1e-9
    if not (convertible(a) and convertible(b) and same_measure(a, b)):
        return False
    base_a, base_b = a.value * _CONVERTIBLE[a.unit][1], b.value * _CONVERTIBLE[b.unit][1]
    return abs(base_a - base_b) <= _CONVERSION_TOLERANCE * max(base_a, base_b)


_HEDGE = re.compile(r"\b(?:around|about|roughly|some|nearly|almost|approximately|close to|an estimated|estimated)"
                    r"\s*[$€£]?\s*$", re.IGNORECASE)
_WRITTEN_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def hedged(quantity: Quantity, text: str) -> bool:
    """Whether the text gives the figure as an approximation ("around 7m", "about 3,000 people")."""
    return _said_before(quantity, text, _HEDGE, 30)


# a figure given as a bound: "more than five years", "at least 40", "under $10m" ("no more than" is an upper one)
_LOWER_BOUND = re.compile(r"\b(?:(?<!no )more than|over|at least|upwards of|in excess of)\s*[$€£]?\s*$",
                          re.IGNORECASE)
_UPPER_BOUND = re.compile(r"\b(?:less than|fewer than|under|at most|up to|no more than)\s*[$€£]?\s*$",
                          re.IGNORECASE)


def within_bound(claimed: Quantity, claim: str, stated: Quantity, evidence: str) -> bool:
    """Whether the claim's bounded figure holds of the evidence's: "more than three years" of "more than five years"
    or of "five years", "under $10m" of "$8m"; a bound the other way ("less than five years") says nothing."""
    if stated.unit != claimed.unit:
        return False
    if _said_before(claimed, claim, _LOWER_BOUND, 20):
        return stated.value >= claimed.value and not _said_before(stated, evidence, _UPPER_BOUND, 20)
    if _said_before(claimed, claim, _UPPER_BOUND, 20):
        return stated.value <= claimed.value and not _said_before(stated, evidence, _LOWER_BOUND, 20)
    return False


def rounds_to(precise: Quantity, rounded: Quantity) -> bool:
    """Whether `precise` rounds to `rounded` at the precision `rounded` is written with: 7.2 m is "around 7m",
    3,140 is "about 3,000", 4.9 billion is not "about 4.5 billion"."""
    written = _WRITTEN_NUMBER.search(rounded.text)
    if precise.unit != rounded.unit or written is None:
        return False
    digits = written.group().replace(",", "")
    mantissa = float(digits)
    if mantissa == 0:
        return False
    scale = rounded.value / mantissa  # "4.5 billion": the written 4.5 counts billions
    decimals = len(digits.partition(".")[2])
    step = 10.0 ** -decimals if decimals else 10.0 ** (len(digits) - len(digits.rstrip("0")))
    return abs(precise.value - rounded.value) <= scale * step / 2 + 1e-9


@dataclass
class Slots:
    quantities: list[Quantity] = field(default_factory=list)
    years: set[int] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    negated: bool = False
    words: set[str] = field(default_factory=set)
    attribution: str | None = None


def _singular(word: str) -> str:
    word = word.lower()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


# A span of years: "the 2018–19 season", "2018-2019", "2018/19"; its second half is a year, never a count
_YEAR_SPAN = re.compile(r"\b(?P<first>(?:19|20)\d{2})\s?[-–—/]\s?(?P<second>\d{2}|(?:19|20)\d{2})\b")


def years(text: str) -> set[int]:
    """The years a text names, both ends of a span included ("2018–19" names 2018 and 2019)."""
    found = {int(y) for y in re.findall(r"\b(19\d{2}|20\d{2})\b", text)}
    for span in _YEAR_SPAN.finditer(text):
        first, second = span.group("first"), span.group("second")
        found.add(int(first[:2] + second) if len(second) == 2 else int(second))
    return found


# a time of day: "3pm", "1:30 p.m.", "10 a.m." (the hour 1-12, then am or pm in any spelling)
_CLOCK = re.compile(r"\b(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s?([ap])\.?m\b\.?", re.IGNORECASE)


def clock_times(text: str) -> dict[int, str]:
    """The times of day a statement gives, as minutes after midnight -> a plain spelling: {900: "3 p.m."}."""
    found = {}
    for match in _CLOCK.finditer(text):
        hour, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3).lower()
        spelt = f"{hour}{f':{minutes:02d}' if minutes else ''} {half}.m."
        found[(hour % 12 + (12 if half == "p" else 0)) * 60 + minutes] = spelt
    return found


def quantities(text: str) -> list[Quantity]:
    found: list[Quantity] = []
    span_ends = {span.start("second") for span in _YEAR_SPAN.finditer(text)}
    clock_spans = [(m.start(), m.end()) for m in _CLOCK.finditer(text)]
    for match in _NUMBER.finditer(text):
        raw = match.group("num")
        if match.start("num") in span_ends:
            continue  # "19" in "2018–19": a year, handled as a date
        if any(start <= match.start("num") < end for start, end in clock_spans):
            continue  # "3pm", "1:30 p.m.": a time of day, compared as one (clock_times), never as a count
        value = float(raw.replace(",", ""))
        if 1900 <= value <= 2100 and "." not in raw and "," not in raw and not match.group("unit"):
            continue  # a year: handled as a date
        if match.group("scale"):
            value *= _SCALE[match.group("scale").lower()]
        unit_word = (match.group("unit") or "").lower()
        number_end = match.end("scale") if match.group("scale") else match.end("num")
        if match.group("cur") and unit_word in _MONEY_SCALE:  # "$4.5m", "€10k": a scale, not metres
            value *= _MONEY_SCALE[unit_word]
            unit_word, number_end = "", match.end("unit")
        if value <= 31 and raw.isdigit() and _day_of_month(text, match.start("num"), match.end("num")):
            unit = DAY_OF_MONTH  # "May 7": compared with other days ("May 17"), never with a count or an age
        elif match.group("cur"):
            unit = _UNITS[match.group("cur")]
        elif unit_word in _UNITS:
            unit = _UNITS[unit_word]
        else:
            unit = _counted_noun([match.group("unit") or "", *match.group("after").split()])
        if (not unit and 0 < value < 120 and value == int(value) and _AGE_AFTER.match(text, match.end("num"))
                and _AGE_BEFORE.search(text, max(0, match.start() - 60), match.start())):
            unit = "year"  # a person's age set off by commas: "Kevin Ward Jr., 20, who" is "the 20-year-old"
        if (not unit and 0 < value < 120 and value == int(value) and _AGE_VERB_AFTER.match(text, match.end("num"))
                and _AGE_VERB_BEFORE.search(text, max(0, match.start() - 60), match.start())):
            unit = "year"  # "Brian Wilkins is 92.": a named person's age, as "Brian Wilkins, 82, who"
        written = match.group(0)
        found.append(Quantity(value=value, unit=unit, text=written.strip(),
                              context=_context(text, match.start(), number_end),
                              at=match.start() + len(written) - len(written.lstrip())))
    for match in _COUNTED_WORD.finditer(text):  # "five stores": spelled-out counts of a noun
        unit = _counted_noun(match.group("after").replace("-", " ", 1).split())
        if unit:
            found.append(Quantity(value=float(_NUMBER_WORDS[match.group("word").lower()]), unit=unit,
                                  text=match.group(0).strip(),
                                  context=_context(text, match.start(), match.end("word")), at=match.start()))
    for match in _ONE_SPAN.finditer(text):  # "in just one year": "one" counts only a span of time here
        found.append(Quantity(value=1.0, unit=match.group(1).lower(), text=match.group(0),
                              context=_context(text, match.start(), match.end()), at=match.start()))
    for match in _FORTNIGHT.finditer(text):  # "a fortnight": one, of a unit that only ever comes as one
        found.append(Quantity(value=1.0, unit="fortnight", text=match.group(0),
                              context=_context(text, match.start(), match.end()), at=match.start()))
    return found


def _day_of_month(text: str, start: int, end: int) -> bool:
    """Whether the number at text[start:end] is a day of a named month: "May 7", "Sept. 30", "7th of May"."""
    return bool(_MONTH_BEFORE.search(text, max(0, start - 12), start) or _MONTH_AFTER.match(text, end))


_MONTH_BEFORE = re.compile(r"\b(?:" + "|".join(m.title() for m in _MONTHS)
                           + r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.)\s\Z")
_MONTH_AFTER = re.compile(r"(?:st|nd|rd|th)?\s(?:of\s)?(?:" + "|".join(m.title() for m in _MONTHS) + r")\b")
_AGE_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*,\s?\Z")  # "... Ward Jr., " just before the number
# and ", who" / ", said" / ", of Tipton" just after it (not "Dallas, 3, the rest" or "Paris, 5, 6 and 7")
# and "Brian Wilkins is 92." (a full name, a verb of being, the number ending the clause)
_AGE_VERB_BEFORE = re.compile(r"\b[A-Z][\w'’.-]*\s+[A-Z][\w'’.-]*\s+(?:is|was|turns|turned)\s?\Z")
_AGE_VERB_AFTER = re.compile(r"\s*(?:[.,;]|\Z)")
_AGE_AFTER = re.compile(r",\s(?:who|whose|said|says|told|was|is|died|dies|has|had|of|from|a|an|were|and)\b")

# Words after a number that are not what it counts: fillers ("2,000 more troops") and function words ("355 at the
# border", "12 of whom"); at one of them the count is bare.
_NOT_COUNTED = {"and", "or", "to", "the", "in", "of", "a", "an", "more", "than", "about", "around", "some", "were",
                "was", "are", "is", "have", "had", "has", "per", "at", "on", "for", "by", "from", "with", "into",
                "onto", "over", "under", "after", "before", "since", "during", "as", "that", "which", "who", "whom",
                "when", "where", "while", "if", "but", "nor", "so", "this", "these", "those", "its", "their", "his",
                "her", "be", "been", "will", "would", "could", "can", "may", "might", "should", "against", "between",
                "among", "through", "across", "within", "without", "toward", "towards", "until", "up", "out", "off",
                "down", "each", "last", "next"}
_PERSON = {"people", "persons", "person", "individuals", "individual"}  # one count: "62 individuals" = "62 people"


def _counted_noun(words: list[str]) -> str:
    """The noun a bare number counts: the first lower-case content word after it ("2,000 Daesh militants")."""
    for word in words[:3]:
        if word.lower() in _NOT_COUNTED:
            return ""
        if word and word[0].islower():
            return "person" if word in _PERSON else _singular(word)
    return ""


def _names(text: str) -> set[str]:
    names: set[str] = set()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w not in _SENTENCE_INITIAL]
        if words and not (len(words) == 1 and words[0].lower() in _MONTHS):
            names.add(" ".join(words).lower().replace(".", ""))
    return names


def attribution(text: str) -> str | None:
    """Who the statement is attributed to: "according to X", else the subject of the first speech verb."""
    according = _ACCORDING.search(text)
    if according:
        return according.group(1).strip(" .'").lower()
    verb = _SPEECH_VERB.search(text)
    if not verb:
        return None
    before = re.split(r"[:;“”\"‘’]", text[:verb.start()])[-1]
    before = re.sub(r"^\s*(?:but|and|so|yet)\s+", "", before, flags=re.IGNORECASE)
    last_clause = before.rsplit(",", 1)[-1]
    speaker = re.fullmatch(r"\s*(?:the|a|an)\s+(?:[a-z][\w-]*\s+){0,2}([a-z][\w-]*)\s*", last_clause)
    if speaker and "," in before:  # "..., the contractor said": the speaker is the noun next to the verb
        return speaker.group(1).lower()
    names = _ordered_names(before)
    if names:
        # "Airwars, a London-based group ..., says": an appositive ends in a comma, the subject comes first;
        # "... in Iraq, British Maj. Gen. Rupert Jones told": the speaker is the name next to the verb.
        return names[0] if before.rstrip().endswith(",") else names[-1]
    the_noun = re.match(r"\s*the\s+([a-z][\w-]*)", before, re.IGNORECASE)
    return the_noun.group(1).lower() if the_noun else None


# a speech verb in any person and tense, for finding a named speaker in a sentence ("modern architects confirm")
_ANY_SPEECH_VERB = (r"(?:say|says|said|report|reports|reported|estimate|estimates|estimated|claim|claims|claimed|told|"
                    r"state|states|stated|announce|announces|announced|confirm|confirms|confirmed|note|notes|noted|"
                    r"argue|argues|argued|insist|insists|insisted|warn|warns|warned|explain|explains|explained|"
                    r"admit|admits|admitted|acknowledge|acknowledges|acknowledged)")


def speaks_in(who: str, text: str) -> bool:
    """Whether `text` has `who` speaking: its words followed, at most two words on, by a speech verb ("However,
    modern architects confirm that ..." has "modern" speaking), whoever else the sentence cites."""
    pattern = r"\b" + re.escape(who) + r"\b(?:\s+[\w'’-]+){0,2}?\s+" + _ANY_SPEECH_VERB + r"\b"
    return re.search(pattern, text, re.IGNORECASE) is not None


def _ordered_names(text: str) -> list[str]:
    names = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w not in _SENTENCE_INITIAL]
        if words:
            names.append(" ".join(words).lower().replace(".", ""))
    return names


def months(text: str) -> set[str]:
    """The months a statement names, lower case: capitalised month words, not the verb "may" nor a surname
    ("Theresa May", "Brian May")."""
    found = set()
    for match in MONTH.finditer(text):
        previous = _LAST_WORD.search(text, max(0, match.start() - 40), match.start())
        if previous is None and match.group(1) in ("May", "March"):
            continue  # opening the text, "May" and "March" are as likely a verb
        if previous is not None and previous.group(1)[0].isupper() and previous.group(1) not in _BEFORE_MONTH:
            continue
        found.add(match.group(1).lower())
    return found


_ORDINAL_WORDS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth").split()
_ORDINAL = r"(?:" + "|".join(_ORDINAL_WORDS) + r"|\d{1,3}(?:st|nd|rd|th))"
# a finishing position: "finished second", "ended up placing fifth", "ranked 2nd", "his third-place finish"
_PLACING = re.compile(r"\b(?:finish(?:ed|es|ing)?|plac(?:e|ed|es|ing)|came|comes|coming|rank(?:ed|s|ing)?)"
                      r"\s+(?:in\s+|at\s+)?(?:the\s+)?(" + _ORDINAL + r")\b"
                      r"|\b(" + _ORDINAL + r")[\s-](?:place|spot|position)\b(?!\s+(?:to|where|that|which|for)\b)",
                      re.IGNORECASE)


def placings(text: str) -> dict[int, str]:
    """The finishing positions a statement gives, by rank, as written: {5: "fifth"} for "ended up placing fifth"."""
    found = {}
    for match in _PLACING.finditer(text):
        written = match.group(1) or match.group(2)
        word = written.lower()
        found[_ORDINAL_WORDS.index(word) + 1 if word in _ORDINAL_WORDS else int(word[:-2])] = written
    return found


def extract(text: str) -> Slots:
    lowered = text.lower()
    return Slots(
        quantities=quantities(text),
        years=years(text),
        months=months(text),
        names=_names(text),
        negated=bool(_NEGATION.search(text)),
        words=set(re.findall(r"[a-z]+", lowered)),
        attribution=attribution(text),
    )


# Words that open with "un" without negating what follows ("unless", "until", "united")
_NOT_UN = {"unless", "unlike", "until", "under", "union", "unions", "unit", "units", "united", "unique", "uniform",
           "universe", "university", "unanimous", "universal"}


def _un_twin(word: str) -> str | None:
    """The word an "un-" word negates: "undamaged" -> "damaged", "unable" -> "able"."""
    return word[2:] if word.startswith("un") and len(word) >= 6 and word not in _NOT_UN else None


def antonym_pairs(claim: Slots, evidence: Slots) -> list[tuple[str, str]]:
    """(claim word, evidence word) pairs where the claim says one and the evidence its opposite: a listed pair, or
    a word and its "un-" twin ("undamaged" / "damaged")."""
    ours, theirs = claim.words - evidence.words, evidence.words - claim.words
    pairs = [(w, opposite) for w in ours
             for opposite in (_ANTONYM_OF.get(w, set()) | _OVERSTATED.get(w, set())) & theirs]
    pairs += [(w, twin) for w in ours if (twin := _un_twin(w)) in theirs]
    pairs += [(twin, w) for w in theirs if (twin := _un_twin(w)) in ours]
    # a verb or an adjective is named before a preposition or a degree word, which is as likely about another
    # clause ("after the ceremony" / "before a matchup")
    return sorted(pairs, key=lambda pair: (pair[0] in _FUNCTION_OPPOSITES, pair))


_FUNCTION_OPPOSITES = {"before", "after", "above", "below", "up", "down", "more", "less", "fewer", "most", "least",
                       "first", "last", "early", "late", "earlier", "later"}
# which side a vote was on: "the only Republican to vote against a procedural move"
_VOTE = re.compile(r"\bvot(?:e|es|ed|ing)\s+(for|against)\b", re.IGNORECASE)


def vote_sides(claim: str, evidence: str) -> list[tuple[str, str]]:
    """(claim side, evidence side) where the claim has a vote cast one way and the evidence only the other way:
    "to vote for a procedural move" / "to vote against a procedural move"."""
    ours = {m.group(1).lower() for m in _VOTE.finditer(claim)}
    theirs = {m.group(1).lower() for m in _VOTE.finditer(evidence)}
    if ours and theirs and not ours & theirs:
        return [(f"voted {min(ours)}", f"voted {min(theirs)}")]
    return []


HONORIFICS = {"mr", "mrs", "ms", "dr", "miss", "mx"}  # "Mr. Russell" is the passage's "Charlie Russell"
# An office may stand for its holder ("the Prime Minister" / "Boris Johnson")
_TITLES = {"president", "prime", "minister", "secretary", "chancellor", "governor", "mayor", "general", "commissioner",
           "chairman", "chairwoman", "chair", "director", "chief", "executive", "senator", "rep.", "representative",
           "judge", "justice", "king", "queen", "prince", "princess", "pope", "ceo", "coach", "manager", "leader"}


def _name_words(name: str) -> set[str]:
    """A name's words, an honorific aside ("Ms Ardern" is "Ardern"), unless it is all there is."""
    words = set(name.split())
    return {w for w in words if w.rstrip(".").lower() not in HONORIFICS} or words


def two_full_names(ours: str, theirs: str) -> bool:
    """Two names of two words or more with no word in common ("Rene Adler" / "Jens Lehmann"): never one thing called
    two ways, as "the SDF" may be the passage's "Syrian Democratic Forces"; nor an office ("the Prime Minister")."""
    a, b = _name_words(ours.lower()), _name_words(theirs.lower())  # "Mr Treadwell" is one word of name
    return len(a) >= 2 and len(b) >= 2 and not a & b and not (a | b) & _TITLES


def same_entity(a: str, b: str) -> bool:
    """Loose name match: "Ryan Dillon" = "Dillon" = "Mr Dillon", "US" = "U.S.", "Raqqa" ~ "Raqa" (one letter apart)."""
    words_a, words_b = _name_words(a), _name_words(b)
    if a == b or words_a <= words_b or words_b <= words_a:
        return True
    return len(a) > 4 and len(b) > 4 and _one_edit_apart(a, b)


def name_covers(evidence_name: str, claim_name: str) -> bool:
    """Whether a name in the evidence stands for the claim's: it holds every word of it ("Dillon" in "Ryan Dillon";
    a possessive 's aside), or is a spelling of it ("Raqa", "Raqqa"). One way only: the evidence's "Virgin" does
    not stand for the claim's "Virgin Atlantic"."""
    claim_words = {w.removesuffix("'s") for w in claim_name.split()}
    evidence_words = {w.removesuffix("'s") for w in evidence_name.split()}
    if claim_words <= evidence_words:
        return True
    return len(claim_name) > 4 and len(evidence_name) > 4 and _one_edit_apart(claim_name, evidence_name)


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'.]*[A-Za-z]|[A-Za-z]|\d[\d,.]*\d|\d")


def substitutions(claim: str, evidence: str) -> list[tuple[str, str]]:
    """(claim words, evidence words) where the evidence says the same words around different ones.

    "Airwars, a Paris-based collective" against "Airwars, a London-based collective": the token sequences match
    on both sides of a short run that differs, or, where the run ends the claim ("the first store will open in
    Kingston" against "... will open in Montego Bay"), before it. Three matching neighbours at least, so a
    reworded sentence is no substitution.
    """
    a, b = _TOKEN.findall(claim), _TOKEN.findall(evidence)
    matcher = SequenceMatcher(a=[t.lower() for t in a], b=[t.lower() for t in b], autojunk=False)
    codes = matcher.get_opcodes()
    found = []
    for index, (tag, a1, a2, b1, b2) in enumerate(codes):
        if tag != "replace" or a2 - a1 > 3 or b2 - b1 > 3 or index == 0:
            continue
        before = codes[index - 1]
        after = codes[index + 1] if index + 1 < len(codes) else None
        anchored_after = (after[2] - after[1]) if after is not None and after[0] == "equal" else None
        if anchored_after is None and a2 != len(a):
            continue
        if before[0] == "equal" and (before[2] - before[1]) + (anchored_after or 0) >= 3:
            found.append((" ".join(a[a1:a2]), " ".join(b[b1:b2])))
    return found


def name_swaps(claim: str, evidence: str) -> list[tuple[str, str]]:
    """Substitutions of one name for another (not the sentence's first word, not two spellings of one name)."""
    return [(ours, theirs) for ours, theirs in substitutions(claim, evidence)
            if all(t[0].isupper() for t in ours.split()) and all(t[0].isupper() for t in theirs.split())
            and not claim.startswith(ours) and not same_name(ours.split(), theirs.split())
            and not {ours, theirs} & _SENTENCE_INITIAL]  # "London's Apollo" / "The Apollo": no name for another


def opening_swap(claim: str, evidence: str) -> tuple[str, str] | None:
    """(claim name, evidence name) when both open with a name, different ones, before the same four or more words:
    "Paolo Maldini became a part owner of the Strikers" / "Ronaldo became a part owner of the Strikers"."""
    a, b = _TOKEN.findall(claim), _TOKEN.findall(evidence)
    codes = SequenceMatcher(a=[t.lower() for t in a], b=[t.lower() for t in b], autojunk=False).get_opcodes()
    if len(codes) < 2:
        return None
    (tag, _, a2, _, b2), after = codes[0], codes[1]
    if tag != "replace" or a2 > 3 or b2 > 3 or after[0] != "equal" or after[2] - after[1] < 4:
        return None
    if a[a2][0].isupper():  # the same name goes on ("Republican Rep. Tim Walberg" / "GOP Rep. Tim Walberg"): a title
        return None
    ours, theirs = " ".join(a[:a2]), " ".join(b[:b2])
    # names only: "Last April, he resigned as prime minister" opens with a date and a pronoun, not another person
    words = a[:a2] + b[:b2]
    if any(not w[0].isupper() or w.lower() in _MONTHS or w in _BEFORE_MONTH or w in _SENTENCE_INITIAL for w in words):
        return None
    if _names(ours) and _names(theirs) and not same_name(ours.split(), theirs.split()):
        return ours, theirs
    return None


def same_name(ours: list[str], theirs: list[str]) -> bool:
    """"U.S." = "US", "Maj. Gen." = "Major General": spellings and abbreviations of one name."""
    a = [t.replace(".", "").lower() for t in ours]
    b = [t.replace(".", "").lower() for t in theirs]
    joined_a, joined_b = "".join(a), "".join(b)
    if joined_a == joined_b or same_entity(" ".join(a), " ".join(b)):
        return True
    if min(len(joined_a), len(joined_b)) >= 4 and _one_edit_apart(joined_a, joined_b):  # "Raqa" / "Raqqa"
        return True
    return len(a) == len(b) and all(x.startswith(y) or y.startswith(x) for x, y in zip(a, b, strict=True))


# Roles written before a name ("with director Dean Karr", "coach Bill Belichick", "Prime Minister Theresa May")
_ROLES = ("director|producer|coach|manager|chairman|chairwoman|chair|president|minister|secretary|spokesman|"
          "spokeswoman|spokesperson|captain|editor|author|singer|guitarist|drummer|bassist|governor|mayor|senator|"
          "judge|ceo|founder|leader|commander|general|host|presenter|conductor|striker|goalkeeper|midfielder")
_ROLE_NAME = re.compile(rf"\b(?P<role>(?i:{_ROLES}))\s+(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){{0,2}})")


def _role_names(text: str) -> list[tuple[str, str]]:
    """(role, name) pairs: "director Dean Karr", "Prime Minister Theresa May" (the role's case aside)."""
    return [(m.group("role").lower(), m.group("name").rstrip(".")) for m in _ROLE_NAME.finditer(text)]


_BASED = re.compile(r"\b((?:[A-Z][\w.'’]*[\s-]){0,2}[A-Z][\w.'’]*)-based\s+((?:[A-Z][\w'’.&-]*\s?){1,4})")


def base_swaps(claim: str, evidence: str) -> list[tuple[str, str]]:
    """(claim place, evidence place) where both say where one named body is based, differently: "from
    Manchester-based Bossa Studios" against "made by London-based Bossa Studios"."""
    theirs = {match.group(2).strip(" .,;:"): match.group(1) for match in _BASED.finditer(evidence)}
    return [(match.group(1), theirs[name]) for match in _BASED.finditer(claim)
            if (name := match.group(2).strip(" .,;:")) in theirs and not same_entity(match.group(1).lower(),
                                                                                theirs[name].lower())]


# Offices one person does not hold together: "chief technology officer Gilad Japhet" is not "CEO Gilad Japhet"
_OFFICES = {"ceo": "chief executive", "chief executive": "chief executive",
            "chief executive officer": "chief executive",
            "cto": "chief technology officer", "chief technology officer": "chief technology officer",
            "cfo": "chief financial officer", "chief financial officer": "chief financial officer",
            "coo": "chief operating officer", "chief operating officer": "chief operating officer"}
_OFFICE_NAME = re.compile(r"\b(?P<office>CEO|CTO|CFO|COO|(?i:chief\s+(?:executive|technology|financial|operating)"
                          r"(?:\s+officer)?))(?:\s+(?:and|&)\s+(?i:co-?founder|founder|president|chairman|chair))?,?"
                          r"\s+(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,2})")


def office_swaps(claim: str, evidence: str) -> list[tuple[str, str]]:
    """(claim office, evidence office) where both give one named person different chief offices: "chief technology
    officer Gilad Japhet" / "CEO and founder Gilad Japhet"."""
    def offices(text: str) -> dict[str, set[str]]:
        held: dict[str, set[str]] = {}
        for match in _OFFICE_NAME.finditer(text):
            office = _OFFICES[" ".join(match.group("office").lower().split())]
            held.setdefault(match.group("name").rstrip(".").lower(), set()).add(office)
        return held

    theirs = offices(evidence)
    return [(min(ours), min(theirs[name])) for name, ours in offices(claim).items()
            if name in theirs and not ours & theirs[name]]


def role_swaps(claim: str, evidence: str) -> list[tuple[str, str]]:
    """(claim name, evidence name) where both give one role to different people: "with director Brendan O'Brien"
    against "with director Dean Karr" (names sharing no word, the claim's name nowhere in the evidence)."""
    lowered = evidence.lower()
    theirs = _role_names(evidence)
    return [(ours, name) for role, ours in _role_names(claim) if ours.lower() not in lowered
            for other_role, name in theirs
            if other_role == role and not {w.lower() for w in ours.split()} & {w.lower() for w in name.split()}]
