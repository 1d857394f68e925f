"""Article metadata a reporter can trust: dated with provenance, titled, attributed to a clean source name.

Real feeds prepend things that are not the story: the second seed begins `date 2017-07-24` and a photo caption
ending "(AFP photo)". The date becomes metadata and the caption is kept apart, so neither is quoted as the lead.
Real pages carry junk where a title or a source name should be: a CMS name ("escenic"), a URL slug
("adac-kindersitztest-herbst-2018"), a copyright line as the site name. Those are replaced by the page's better
candidates (`og:title`, `<h1>`), else by the lead sentence or the URL's host. Dates: see dates.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlparse

from assistant.ingest.dates import CONFIDENCE, DateOrders, read_date, url_date
from assistant.text import iso_date
from assistant.types import ArticleMeta

_LEADING_DATE = re.compile(
    r"\A\s*(?:date|published|dated)\s*[:=]?\s*(\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)\s*",
    re.IGNORECASE,
)
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# A first line that is only a date, as pages copied to text begin ("27 December 2012", "Dec. 27, 2012"), and the
# "Last updated at 06:57 ET" line that may follow it: page furniture, not the story.
_DATE_LINE = re.compile(rf"\A\s*(\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})[ \t]*\r?\n"
                        r"(?:[ \t]*(?:last\s+)?updated\b[^\n]{0,40}\n)?", re.IGNORECASE)
# A caption is a first paragraph that ends in a photo credit: "(AFP photo)", "(Photo: Reuters)", "Photo: AP".
_CAPTION_CREDIT = re.compile(
    r"(\((?:[^()]{0,40}\b)?(?:photo|photograph|picture|image|file photo)s?\b[^()]{0,60}\)"
    r"|\b(?:photo|picture|image)\s*(?:by|:|/)\s*[^.\n]{1,60})\s*\Z",
    re.IGNORECASE,
)
# A byline in the first lines of a copied story: "By Jane Doe, Reuters", "By Coastal Wire Service, 2026-10-14",
# "By Jane Doe | Oct. 14, 2026", or a date alone on the line after it. It names the author (the name before a
# comma or bar: what follows is the outlet, "Reuters") and the date; the line stays in the body (the text, so the
# article's id, is what the file holds).
_BYLINE = re.compile(r"\A[ \t]*By[ \t]+(?P<rest>[^\n]{2,100}?)[ \t.]*\Z")
_NAME_PART = re.compile(r"\A(?:[A-Z][\w.'’-]*|and|of|the|de|van|von|la|&)(?:\s+(?:[A-Z][\w.'’-]*|and|of|the|de|van|von"
                        r"|la|&)){0,6}\Z")
_YEAR = re.compile(r"\b(?:1[89]|2\d)\d{2}\b")
_WHEN = re.compile(r"\A(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\A(?:Today|Tonight|Tomorrow|Yesterday|Then|Now)\b")
_DATELINE = re.compile(r"\A[A-Z][A-Z .'-]{1,40},(?:\s[A-Z][\w .'-]{1,30})?\s*(?::|—|–|-{1,2})\s*")
_TRAILING_DEBRIS = re.compile(r"[\s|]+\Z")

_SLUG = re.compile(r"\A[\w]+(?:[-_][\w]+)+\Z")  # "adac-kindersitztest-herbst-2018": no spaces, joined by - or _
# Names of content-management systems and other page furniture that end up in <title> on badly set-up sites.
_CMS_NAMES = frozenset({
    "escenic", "wordpress", "drupal", "joomla", "typo3", "arc xp", "arc publishing", "brightspot", "ghost",
    "contentful", "sitecore", "adobe experience manager", "aem", "wix", "squarespace", "blogger", "medium",
    "hugo", "jekyll", "polopoly", "methode", "eidos", "naviga", "cue", "livingdocs",
})
_BOILERPLATE_TITLES = frozenset({
    "home", "homepage", "home page", "index", "untitled", "untitled document", "news", "article", "startseite",
    "accueil", "inicio", "page not found", "404", "404 not found", "search", "login", "sign in", "menu",
})
_COPYRIGHT = re.compile(
    r"(?:copyright|\(c\)|©)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(?:,?\s*by\b)?"
    r"|\ball rights reserved\b\.?|\b\d{4}\s*[-–]\s*\d{4}\b",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·-]\s+|\s+::\s+")


def split_preamble(text: str) -> tuple[str, str | None, str | None]:
    """(body, date fragment, caption): strip a leading date fragment, or a date line first or under a headline,
    and a photo-caption paragraph."""
    found_date = None
    match = _LEADING_DATE.match(text) or _DATE_LINE.match(text)
    if match:
        found_date = match.group(1)
        text = text[match.end():]
    else:  # "Official opening of Castle Cove Beach steps\n17 April 2019\nBy Martin Lea": the headline stays
        first, sep, rest = text.lstrip().partition("\n")
        if sep and _is_headline(first) and (match := _DATE_LINE.match(rest)):
            found_date = match.group(1)
            text = first + "\n" + rest[match.end():]
    caption = None
    first, sep, rest = text.partition("\n")
    if sep and rest.strip() and _CAPTION_CREDIT.search(first.strip()):
        caption = first.strip()
        text = rest
    return _TRAILING_DEBRIS.sub("", text.strip()), found_date, caption


def read_byline(body: str, lines: int = 4) -> tuple[str | None, str | None]:
    """(author, date text) from a byline among the body's first `lines` lines; (None, None) when there is none.
    A line reads as a byline only when what follows "By" is names (capitalised words), then at most a date: "By
    Tuesday, the council had voted" is not one. The date text is read (and warned about) by `finish_meta`."""
    head = [line.strip() for line in body.strip().splitlines()[:lines] if line.strip()]
    for index, line in enumerate(head):
        match = _BYLINE.match(line)
        if not match:
            continue
        parts = [part.strip() for part in re.split(r"\s*[,|·•—–]\s*", match["rest"]) if part.strip()]
        dated = bool(_YEAR.search(parts[-1])) if parts else False  # where the names end and a date begins
        cut = next((k for k in range(1, len(parts)) if dated and iso_date(", ".join(parts[k:]), complete=True)),
                   len(parts))
        names, when = parts[:cut], ", ".join(parts[cut:]) or None
        named = bool(names) and all(_NAME_PART.match(name) for name in names)
        if not named or iso_date(names[0]) or _WHEN.match(names[0]):
            continue
        following = head[index + 1] if index + 1 < len(head) else ""
        if when is None and _YEAR.search(following) and iso_date(following, complete=True):
            when = following
        return names[0], when
    return None, None


# What separates an author's name from the rest of a byline: "Sportsnet Staff · March 2", "Jane Doe | 3 Oct 2026"
_AUTHOR_SEPARATOR = re.compile(r"\s*[,|·•—–]\s*")
_DATE_FRAGMENT = re.compile(rf"\A(?:{_MONTH}\s+\d{{1,2}}\b|\d{{1,2}}\s+{_MONTH}(?!\w)|"
                            r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|(?:1[89]|2\d)\d{2}\b)", re.IGNORECASE)


def clean_author(author: str | None) -> str | None:
    """The author's name without the date a byline carried after it ("Sportsnet Staff · March 2" -> "Sportsnet
    Staff", as trafilatura reads a page's "Sportsnet Staff · March 2, 2019" line); None when only a date is left."""
    text = one_line(author)
    for separator in _AUTHOR_SEPARATOR.finditer(text):
        if _DATE_FRAGMENT.match(text[separator.end():]):
            text = text[:separator.start()]
            break
    return None if not text or _DATE_FRAGMENT.match(text) else text


# A page's own "Published ..." line near its top, as pages copied to text or saved without meta tags keep it:
# "Originally published November 7, 2017 at 8:21 pm", "Published 7:33 a.m. ET Aug. 10, 2014 | Updated ...",
# "Last Updated: Friday, 25 February, 2005, 10:12 GMT". Publication wins over an update.
_PUBLISHED_LINE = re.compile(r"\A(?:originally\s+|first\s+)?(?P<kind>published|posted|(?:last\s+)?updated)\b[\s:]*"
                             r"(?:on\s+)?(?P<rest>.{6,80})\Z", re.IGNORECASE)
_CLOCK = re.compile(r"\b(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,4}\b)?|\b[A-Z]{2,4}\s*$",
                    re.IGNORECASE)


def published_line_date(body: str, lines: int = 40) -> str | None:
    """The date of a "Published ..." (else "Updated ...") line among the body's first `lines` non-blank lines (a page
    copied to text keeps its menus above it: a BBC page's "Last Updated" line was its 31st)."""
    found: dict[str, str] = {}
    for line in [line for line in body.strip().splitlines() if line.strip()][:lines]:
        match = _PUBLISHED_LINE.match(line.strip())
        if not match:
            continue
        rest = match["rest"].split("|")[0]
        rest = _CLOCK.sub(" ", rest)
        rest = " ".join(rest.replace(" ET ", " ").split()).strip(" ,.-")
        date = iso_date(rest, complete=True) if _YEAR.search(rest) else None
        if date:
            found.setdefault("updated" if "updated" in match["kind"].lower() else "published", rest)
    return found.get("published") or found.get("updated")


def lead_title(body: str, limit: int = 90) -> str:
    """A title when the file has none: a short first line that reads as a headline (no closing full stop; a
    Markdown "#" dropped), else the lead sentence, dateline removed, cut at a word boundary."""
    first, _, rest = body.strip().partition("\n")
    headline = first.strip().lstrip("#").strip()
    if rest.strip() and _is_headline(headline, limit):
        return headline
    lead = _DATELINE.sub("", body.lstrip(), count=1)
    sentence = " ".join(re.split(r"(?<=[.!?])\s", lead, maxsplit=1)[0].split())
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _is_headline(line: str, limit: int = 90) -> bool:
    """A line that reads as a headline: short, two words or more ("Ferry returns"; one word is more often page
    furniture, "Advertisement", or a dateline), and no closing full stop or colon."""
    line = line.strip()
    return len(line.split()) >= 2 and len(line) <= limit and not line.endswith((".", ":"))


def one_line(text: str | None) -> str:
    """Whitespace (line breaks, tabs, runs of spaces) collapsed to single spaces."""
    return " ".join((text or "").split())


def is_junk_title(title: str, *, generator: str = "", site: str = "") -> bool:
    """A title that names the software, the site or the URL slug rather than the story."""
    folded = title.strip().lower()
    if not folded or folded in _BOILERPLATE_TITLES or folded in _CMS_NAMES:
        return True
    if generator and folded == one_line(generator).lower():
        return True
    if site and folded == clean_source(site).lower():
        return True
    if not re.search(r"[^\W\d_]", folded):  # "12", "--"
        return True
    return bool(_SLUG.match(folded)) and " " not in folded


def best_title(candidates: Sequence[str | None], *, generator: str = "", site: str = "") -> str:
    """The first candidate that is a real title, whitespace collapsed and the site name cut from its end
    ("Storm closes port | Coast Media" -> "Storm closes port"); "" when none is."""
    for candidate in candidates:
        title = _without_site_suffix(one_line(candidate), site)
        if not is_junk_title(title, generator=generator, site=site):
            return title
    return ""


def site_from_title(title: str | None, headlines: set[str]) -> str:
    """The site's name when the page's <title> is one of its `headlines` (one line, lower case) plus a suffix
    ("M. Lorena González wins | The Seattle Times" beside that <h1>): the suffix, if short enough to be a name."""
    parts = _TITLE_SEPARATORS.split(one_line(title))
    if len(parts) < 2:
        return ""
    head, suffix = " - ".join(parts[:-1]).strip().lower(), parts[-1].strip()
    if head in headlines and len(suffix.split()) <= 5 and len(suffix) <= 40:
        return clean_source(suffix)
    return ""


def _without_site_suffix(title: str, site: str) -> str:
    site_name = clean_source(site).lower() if site else ""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site_name and parts[-1].strip().lower() in (site_name, site_name.removeprefix("www.")):
        return " - ".join(parts[:-1]).strip()
    return title


def clean_source(name: str | None) -> str:
    """A source name without copyright lines, years, "www." or line breaks; a host name in lower case."""
    text = _COPYRIGHT.sub(" ", one_line(name))
    text = one_line(text).strip(" .,;:-–|")
    if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", text, flags=re.IGNORECASE):  # a host: reuters.com
        text = text.lower()
    text = re.sub(r"\A(?:https?://)?www\.", "", text, flags=re.IGNORECASE)
    if len(text) > 60 or not re.search(r"[^\W\d_]", text):  # a sentence or a bare number is not a name
        return ""
    return text


def finish_meta(meta: ArticleMeta, body: str, fallback_source: str, *, text_date: str | None = None,
                order: str | None = None) -> tuple[ArticleMeta, list[str]]:
    """Fill what the file did not say, cleanly, and list what could not be used (warnings for the record).

    Dates: the file's own date (metadata), else a leading date fragment (text), else the URL (url); an
    ambiguous, partial, impossible or future date is dropped with a warning, never guessed."""
    warnings: list[str] = []
    updates: dict[str, object] = {"date": None, "date_source": None, "date_confidence": None}
    for value, source in ((meta.date, meta.date_source or "metadata"), (text_date, "text"),
                          (url_date(meta.url), "url")):
        if not value:
            continue
        reading = read_date(value, order)
        if reading.problem:
            warnings.append(reading.problem)
        if reading.date:
            updates.update(date=reading.date, date_source=source, date_confidence=CONFIDENCE[source])
            break
    title = one_line(meta.title)
    updates["title"] = title if title and not is_junk_title(title) else lead_title(body)
    source_name = clean_source(meta.source)
    if not source_name:
        host = urlparse(meta.url).hostname if meta.url else None
        source_name = host.removeprefix("www.") if host else fallback_source
    updates["source"] = source_name
    updates["author"] = clean_author(meta.author)
    return meta.model_copy(update=updates), warnings


def date_order_for(orders: DateOrders, meta: ArticleMeta, path: str, feed: str | None) -> str | None:
    """The day/month order for this record: set for its source or file, else proven by its feed, else the
    default set (else None: ambiguous dates stay empty)."""
    return orders.explicit(clean_source(meta.source), path) or feed or orders.default
