"""HTML pages: the article text (trafilatura) and the page's own metadata, read with no guessing.

trafilatura drops menus, footers and comments. Its date search is the fast one (`extensive_search` off): the
extensive search is what read `w3.org/2000/01/rdf-schema` as 2000-01-01 and a copyright footer as a publication
year. The fast search still reads visible text (a byline's "March 2, 2019"), so a date is `metadata` only when
the page's meta tags or JSON-LD state it, else it is `text`. The title is chosen among `og:title`,
`twitter:title`, the `<h1>` and `<title>`, skipping CMS names, URL slugs and the site's own name (see
metadata.best_title).
"""

from __future__ import annotations

import copy
from typing import Any

from assistant.ingest.dates import url_date
from assistant.ingest.metadata import best_title, one_line, site_from_title

_TITLE_META = ("og:title", "twitter:title")
_PUBLISHED_META = ("article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
                   "dc.date.issued", "dcterms.created")


def read_html(text: str) -> tuple[str | None, dict[str, Any]]:
    """(article text or None, metadata values: title, source, date, date_source, url, author)."""
    import trafilatura  # slow to import; only HTML needs it

    extracted = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False, include_tables=True,
                                            favor_precision=True,
                                            date_extraction_params={"extensive_search": False,
                                                                    "original_date": True})
    body = getattr(extracted, "text", None) if extracted is not None else None
    page = _page_meta(text)
    headlines = [page.get(name) for name in _TITLE_META] + page.get("h1", [])
    known = {one_line(h).lower() for h in headlines if h}
    guessed = one_line(getattr(extracted, "sitename", None) or "")
    if guessed.lower() in known:
        guessed = ""  # trafilatura's guess of the site's name was the headline itself
    site = one_line(page.get("og:site_name") or "") or site_from_title(page.get("title"), known) or guessed
    candidates = [*headlines, getattr(extracted, "title", None), page.get("title")]
    url = getattr(extracted, "url", None) or page.get("og:url") or page.get("canonical")
    found_date = getattr(extracted, "date", None)
    # the page's own publication tag, first: it may give the date its address gives too
    stated = next((page[name] for name in _PUBLISHED_META if page.get(name)), None) or page.get("stated_date")
    # htmldate falls back to the address's date: that is the URL's evidence, not the page's (see dates.py)
    seen = None if stated or (found_date and found_date == url_date(url)) else found_date
    values: dict[str, Any] = {
        "title": best_title(candidates, generator=page.get("generator", ""), site=site),
        "source": site,
        "date": stated or seen,
        "date_source": "metadata" if stated else "text" if seen else None,
        "url": url,
        "author": getattr(extracted, "author", None),
    }
    return body, values


def _stated_date(tree: Any) -> str | None:
    """The date the page states for machines, in its meta tags or JSON-LD: htmldate run on those elements alone,
    so that a date it finds in the visible text (a byline) is not passed off as the page's metadata."""
    import lxml.html
    from htmldate import find_date
    from lxml import etree

    stated = lxml.html.Element("html")
    head = etree.SubElement(stated, "head")
    for element in tree.xpath("//meta | //script[@type='application/ld+json']"):
        head.append(copy.deepcopy(element))
    if not len(head):
        return None
    return find_date(stated, extensive_search=False, original_date=True)


def _page_meta(text: str) -> dict[str, Any]:
    """The page's meta tags (og:*, twitter:*, generator), canonical link, <title> and <h1> texts, and the date its
    meta tags or JSON-LD state (`stated_date`)."""
    import lxml.html

    try:
        # bytes with the encoding said: the text is decoded already, and libxml2 reads undeclared bytes as
        # Latin-1 ("GonzÃ¡lez" in a title); a str is refused when the page declares its encoding in XML style
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except Exception:  # lxml raises several parser errors for broken markup; trafilatura already judged the text
        return {}
    found: dict[str, Any] = {}
    for meta in tree.iter("meta"):
        name = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = meta.get("content")
        if name and content and name not in found:
            found[name] = one_line(content)
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            found.setdefault("canonical", link.get("href"))
    title = tree.find(".//title")
    if title is not None and title.text_content().strip():
        found["title"] = one_line(title.text_content())
    found["h1"] = [one_line(h.text_content()) for h in tree.iter("h1")][:2]
    found["stated_date"] = _stated_date(tree)
    return found
