"""Real-looking newsroom material (pages and feeds written for these tests): each case of issue 15 gets the
expected date, title and source, or a warning that names the file, the record and the problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import ConfigError
from assistant.ingest.dates import DateOrders, feed_order, read_date, url_date
from assistant.ingest.metadata import best_title, clean_source, is_junk_title
from assistant.types import Article
from tests.helpers import OpenStore, RunCli

Ingest = Callable[..., dict[str, Any]]

# An "About us"-style page from a CMS that puts its own name in <title>, an RDF namespace on <html>, a copyright
# line as the site name, and copyright years in the footer: none of those is a title, a source or a date.
CMS_PAGE = """<!DOCTYPE html>
<html xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" xmlns:dc="http://purl.org/dc/terms/" lang="en">
<head><meta charset="utf-8">
<meta name="generator" content="escenic">
<title>escenic</title>
<meta property="og:title" content="Harbour authority approves
   dredging plan for the north quay">
<meta property="og:site_name" content="Copyright 2003 - 2019 by Spelling Coast Media">
</head><body>
<nav><a href="/">Home</a> <a href="/archive/2019/01">January 2019</a> <a href="/archive/2018/01">January 2018</a></nav>
<h1>Harbour authority approves dredging plan</h1>
<p>The harbour authority on Tuesday approved a plan to dredge the north quay to a depth of 14 metres, the
chairwoman said after the vote.</p>
<p>Work is expected to start in the spring and to cost about 3.2 million euros, according to the authority's
budget papers, which were published the same evening.</p>
<p>Fishermen's groups had asked for the work to be delayed until after the herring season, which ends in April.</p>
<footer>Copyright 2019 Spelling Coast Media. All rights reserved. Site built 2003-2019.</footer>
</body></html>
"""

# A page whose <title> is the URL slug and whose only date is in its canonical address.
SLUG_PAGE = """<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8">
<title>kindersitztest-herbst-2018</title>
<link rel="canonical" href="https://www.Autoclub-Magazin.example/tests/2018/10/23/kindersitztest-herbst-2018">
</head><body>
<h1>Child seat test:   three models
fail the side-impact check</h1>
<p>Three of the 21 child seats tested this autumn failed the side-impact check, the motoring club said on
Tuesday, and two more were marked down for harmful chemicals in their covers.</p>
<p>The club tested the seats with crash dummies at 50 kilometres per hour, as in previous years.</p>
<p>Parents who own one of the failed models should contact the retailer, a spokesman said.</p>
</body></html>
"""


def _articles(open_store: OpenStore, collection: str | None = None) -> dict[str, Article]:
    with open_store(collection) as store:
        return {a.meta.title: a for a in store.articles()}


def _warnings(result_json: dict[str, Any]) -> list[str]:
    return [f"{Path(w['path']).name}:{w['line']}: {w['reason']}" for w in result_json["warnings"]]


def test_cms_page_gets_its_og_title_and_no_weak_date(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    (corpus / "about.html").write_text(CMS_PAGE)
    ingest_ok(corpus)
    (article,) = _articles(open_store).values()
    assert article.meta.title == "Harbour authority approves dredging plan for the north quay"
    assert article.meta.source == "Spelling Coast Media"
    # Not 2000-01-01 (the rdf-schema namespace), not 2003-01-01 or 2019-01-01 (copyright years): no date at all.
    assert (article.meta.date, article.meta.date_source, article.meta.date_confidence) == (None, None, None)


def test_slug_title_falls_back_to_h1_and_url_date_is_marked(corpus: Path, ingest_ok: Ingest,
                                                            open_store: OpenStore) -> None:
    (corpus / "seats.html").write_text(SLUG_PAGE)
    ingest_ok(corpus)
    (article,) = _articles(open_store).values()
    assert article.meta.title == "Child seat test: three models fail the side-impact check"
    assert (article.meta.date, article.meta.date_source, article.meta.date_confidence) == (
        "2018-10-23", "url", 0.6)
    assert article.meta.source == "autoclub-magazin.example"


def test_page_publication_meta_is_a_metadata_date(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    page = CMS_PAGE.replace('<meta name="generator"',
                            '<meta property="article:published_time" content="2013-05-21T09:30:00+02:00">\n'
                            '<meta name="generator"')
    (corpus / "dredging.html").write_text(page)
    ingest_ok(corpus)
    (article,) = _articles(open_store).values()
    assert (article.meta.date, article.meta.date_source, article.meta.date_confidence) == (
        "2013-05-21", "metadata", 0.9)


def test_a_publication_tag_that_agrees_with_the_address_is_still_the_pages_own(corpus: Path, ingest_ok: Ingest,
                                                                              open_store: OpenStore) -> None:
    # a wheel user's USA TODAY page: its published_time tag gives the day its URL gives, and was dropped as the
    # URL's evidence, the date then read from a "Published ..." line of the text
    page = CMS_PAGE.replace('<meta name="generator"',
                            '<meta property="article:published_time" content="2013-05-21T09:30:00+02:00">\n'
                            '<meta property="og:url" content="https://news.example/2013/05/21/dredging/">\n'
                            '<meta name="generator"').replace("<h1>", "<p>Published May 21, 2013</p><h1>")
    (corpus / "dredging.html").write_text(page)
    ingest_ok(corpus)
    (article,) = _articles(open_store).values()
    assert (article.meta.date, article.meta.date_source, article.meta.date_confidence) == (
        "2013-05-21", "metadata", 0.9)


FEED = [  # a day-first feed: "13/06/2022" proves the order, so "05/06/2022" is 5 June, not 6 May
    {"title": "Port strike ends", "text": "Dock workers ended their strike on Monday, the union said.",
     "source": "www.Hafen-Zeitung.example", "date": "13/06/2022"},
    {"title": "Ferry fares rise", "text": "Ferry fares will rise by 4 percent from July, the operator said.",
     "source": "Hafen Zeitung", "date": "05/06/2022"},
    {"title": "Tram line", "text": "The council voted to extend the tram line by 12 kilometres.",
     "source": "Stadtblatt", "date": "1 mars 2021"},
    {"title": "Bridge repairs", "text": "The bridge will close for three weeks of repairs, the city said.",
     "source": "Stadtblatt", "date": "2021-02-30"},
    {"title": "Budget", "text": "The city budget grows by 2 percent next year, the treasurer said.",
     "source": "Stadtblatt", "date": "March 2021"},
    {"title": "Annual report", "text": "The port handled 8.1 million tonnes of cargo, its annual report says.",
     "source": "Copyright 2003 - 2019 by Spelling Coast Media", "date": "2019"},
    {"title": "adac-kindersitztest-herbst-2018",
     "text": "Three child seats failed the crash test this autumn. The club tested 21 models.",
     "source": "Autoclub", "date": "2018-10-23T07:00:00Z"},
]


def test_feed_dates_titles_and_sources(corpus: Path, run_cli: RunCli, open_store: OpenStore) -> None:
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in FEED) + "\n")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output  # warnings are not failures
    articles = _articles(open_store)
    dates = {title: a.meta.date for title, a in articles.items()}
    assert dates == {
        "Port strike ends": "2022-06-13", "Ferry fares rise": "2022-06-05", "Tram line": "2021-03-01",
        "Bridge repairs": None, "Budget": None, "Annual report": None,
        "Three child seats failed the crash test this autumn.": "2018-10-23",
    }
    assert {a.meta.date_source for a in articles.values() if a.meta.date} == {"metadata"}
    assert articles["Port strike ends"].meta.source == "hafen-zeitung.example"
    assert articles["Annual report"].meta.source == "Spelling Coast Media"
    assert _warnings(result.json()) == [
        "feed.jsonl:4: invalid date '2021-02-30' (day is out of range for month); stored undated",
        "feed.jsonl:5: date 'March 2021' names no day; stored undated (a date is never guessed)",
        "feed.jsonl:6: date '2019' names no day; stored undated (a date is never guessed)",
    ]
    assert "warning: " in result.stderr and "feed.jsonl:4: invalid date" in result.stderr


def test_ambiguous_dates_follow_the_date_order_setting(corpus: Path, run_cli: RunCli, open_store: OpenStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [{"title": "Rates", "text": "The central bank kept rates at 4 percent.", "source": "Bank Wire",
             "date": "12.01.2023"},
            {"title": "Rail", "text": "The rail operator cut 200 jobs, a spokeswoman said.", "source": "US Daily",
             "date": "05/06/2022"}]
    (corpus / "mixed.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    unset = run_cli("ingest", corpus, "--json")
    assert unset.exit_code == 0, unset.output
    assert {t: a.meta.date for t, a in _articles(open_store).items()} == {"Rates": None, "Rail": None}
    assert [w.split(" (")[0] for w in _warnings(unset.json())] == [
        "mixed.jsonl:1: ambiguous date '12.01.2023'", "mixed.jsonl:2: ambiguous date '05/06/2022'"]
    assert "FACTCHECK_DATE_ORDER" in unset.json()["warnings"][0]["reason"]

    monkeypatch.setenv("FACTCHECK_DATE_ORDER", "DMY, us daily=MDY")  # a default and one source's own order
    again = run_cli("ingest", corpus, "--collection", "ordered", "--json")
    assert again.exit_code == 0 and again.json()["warnings"] == []
    assert {t: a.meta.date for t, a in _articles(open_store, "ordered").items()} == {
        "Rates": "2023-01-12", "Rail": "2022-05-06"}


def test_semicolon_csv_with_bom_is_read_and_reported(corpus: Path, run_cli: RunCli, open_store: OpenStore) -> None:
    (corpus / "export.csv").write_bytes(
        "\ufefftitel;text;source;date\n"
        'Hafen;"Der Hafen, sagte die Behörde; wird im Mai erweitert.";Hafen Zeitung;2022-05-02\n'
        "Zoo;Der Zoo bekommt zwei Elefanten.;Stadtblatt;2022-05-03\n".encode())
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert _warnings(result.json()) == [
        "export.csv:None: CSV read with what was detected: delimiter ';', a UTF-8 byte-order mark (removed)"]
    texts = {a.meta.source: a.text for a in _articles(open_store).values()}
    assert texts == {"Hafen Zeitung": "Der Hafen, sagte die Behörde; wird im Mai erweitert.",
                     "Stadtblatt": "Der Zoo bekommt zwei Elefanten."}


def test_comma_csv_with_semicolons_in_text_keeps_its_delimiter(corpus: Path, ingest_ok: Ingest,
                                                               open_store: OpenStore) -> None:
    (corpus / "plain.csv").write_text('title,text\nA;B;C,"One; two; three; four, five."\n')
    summary = ingest_ok(corpus)
    assert summary["warnings"] == []
    assert [a.text for a in _articles(open_store).values()] == ["One; two; three; four, five."]


def test_mixed_encodings_are_replaced_and_counted(corpus: Path, run_cli: RunCli, open_store: OpenStore) -> None:
    # UTF-8 throughout, except one line pasted from a Latin-1 system: "crème brûlée" as single bytes.
    (corpus / "menu.txt").write_bytes("The café on the quay reopened on Friday, its owner said.\n".encode()
                                      + b"The menu still lists cr\xe8me br\xfbl\xe9e at 6 euros.\n")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert _warnings(result.json()) == ["menu.txt:None: mixed or unknown text encoding: 3 characters could not be "
                                        "decoded and were replaced with U+FFFD"]
    (article,) = _articles(open_store).values()
    assert "café" in article.text and "cr\ufffdme br\ufffdl\ufffde" in article.text


def test_unclosed_front_matter_is_a_warning_not_body_text(corpus: Path, run_cli: RunCli,
                                                          open_store: OpenStore) -> None:
    (corpus / "council.md").write_text("---\ntitle: Council\n  vote\nsource: www.Example.org\ndate: 2021-03-01\n\n"
                                       "The council voted on Monday to expand the tram line, the mayor said.\n")
    (corpus / "notes.md").write_text("---\nThis is not YAML: just a rule under nothing.\n")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert [w.split(" (")[0] for w in _warnings(result.json())] == [
        "council.md:1: front matter opened with '---' on line 1 is never closed",
        "notes.md:1: front matter opened with '---' on line 1 is never closed"]
    council = _articles(open_store)["Council vote"]
    assert council.text == "The council voted on Monday to expand the tram line, the mayor said."
    assert (council.meta.source, council.meta.date) == ("example.org", "2021-03-01")


@pytest.mark.parametrize(("value", "order", "expected"), [
    ("2017-07-24", None, "2017-07-24"), ("July 24, 2017", None, "2017-07-24"), ("24/07/2017", None, "2017-07-24"),
    ("07/24/2017", None, "2017-07-24"), ("05/06/2022", "DMY", "2022-06-05"), ("05/06/2022", "MDY", "2022-05-06"),
    ("05/06/2022", None, None), ("06/06/2022", None, "2022-06-06"), ("12.01.23", "DMY", "2023-01-12"),
    ("1 mars 2021", None, "2021-03-01"), ("12. Januar 2023", None, "2023-01-12"), ("2021-02-30", None, None),
    ("31/04/2020", None, None), ("March 2021", None, None), ("2019", None, None), ("yesterday", None, None),
    ("2031-01-01", None, None),
])
def test_read_date(value: str, order: str | None, expected: str | None) -> None:
    reading = read_date(value, order, today=date(2026, 11, 30))
    assert reading.date == expected
    assert (reading.problem is None) == (expected is not None), reading.problem


def test_url_dates_and_feed_orders() -> None:
    assert url_date("https://x.example/2013/05/21/story") == "2013-05-21"
    assert url_date("http://www.w3.org/2000/01/rdf-schema#") is None  # no day: a namespace, not a date
    assert url_date("https://x.example/2019/02/30/story") is None
    assert feed_order(["13/06/2022", "05/06/2022", None, "2022-01-01"]) == "DMY"
    assert feed_order(["06/13/2022", "05/06/2022"]) == "MDY"
    assert feed_order(["13/06/2022", "06/13/2022"]) is None
    orders = DateOrders("MDY, Reuters.com=DMY, feeds/eu-*.csv=DMY")
    assert orders.default == "MDY"
    assert orders.explicit("reuters.com", "/x/a.csv") == "DMY"
    assert orders.explicit("other", "/data/feeds/eu-north.csv") == "DMY"
    assert orders.explicit("other", "/data/feeds/us.csv") is None
    with pytest.raises(ConfigError, match="FACTCHECK_DATE_ORDER"):
        DateOrders("YMD")


def test_titles_and_sources() -> None:
    assert is_junk_title("escenic") and is_junk_title("adac-kindersitztest-herbst-2018") and is_junk_title("Home")
    assert not is_junk_title("Zoo") and not is_junk_title("Storm-hit town rebuilds")
    assert best_title(["escenic", "Storm closes port | Coast Media"], site="Coast Media") == "Storm closes port"
    assert best_title(["My Blog", "A real\n  headline"], site="My Blog") == "A real headline"
    assert clean_source("Copyright 2003 - 2019 by Spelling Coast Media") == "Spelling Coast Media"
    assert clean_source("© 2021 Reuters. All rights reserved.") == "Reuters"
    assert clean_source("WWW.Reuters.COM") == "reuters.com"
    assert clean_source("Copyright 2019") == ""


def test_a_page_copied_to_text_is_dated_and_titled_by_its_first_lines(corpus: Path, ingest_ok: Ingest,
                                                                      open_store: OpenStore) -> None:
    # a BBC page pasted into a .txt file, as a wheel user fed it: its title had been "27 December 2012 Last updated
    # at 06:57 ET # Kate Winslet marries ...", and it had no date of its own
    (corpus / "winslet.txt").write_text(
        "27 December 2012\nLast updated at 06:57 ET\n# Kate Winslet marries Ned RocknRoll in New York\n"
        "Actress Kate Winslet has married her partner Ned RocknRoll in a secret ceremony in New York.\n")
    (corpus / "council.txt").write_text("The council met on Monday. It voted for the budget.\nA second line.\n")
    ingest_ok(corpus)
    with open_store() as store:
        articles = {Path(a.origin).name: a for a in store.articles()}
    winslet, council = articles["winslet.txt"], articles["council.txt"]
    assert (winslet.meta.title, winslet.meta.date, winslet.meta.date_source) == (
        "Kate Winslet marries Ned RocknRoll in New York", "2012-12-27", "text")
    assert winslet.text.startswith("# Kate Winslet marries")  # the story's own lines are kept as written
    assert (council.meta.title, council.meta.date) == ("The council met on Monday.", None)


def test_a_wire_copy_byline_gives_author_and_date(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    # a wire copy saved as text, as a wheel user fed it: the byline's date had not been read, so the copy was
    # dated only from its syndicated twin (inferred_from_copy, 0.4)
    (corpus / "wire.txt").write_text(
        "Harbour board elects Okafor as chair\n\nBy Coastal Wire Service, 2026-10-14\n\n"
        "Dana Okafor defeated incumbent Lewis Brandt in a 5-4 vote of the harbour board on Tuesday.\n")
    (corpus / "two-lines.txt").write_text(
        "Ferry fares to rise\nBy Jane Doe | Reuters\nOctober 3, 2026\nFerry fares will rise by 4 percent.\n")
    (corpus / "not-a-byline.txt").write_text(
        "Fund runs dry\nBy March, the emergency fund was empty, the treasurer said in 2026.\n")
    ingest_ok(corpus)
    with open_store() as store:
        articles = {Path(a.origin).name: a.meta for a in store.articles()}
    wire, fares, fund = articles["wire.txt"], articles["two-lines.txt"], articles["not-a-byline.txt"]
    assert (wire.author, wire.date, wire.date_source, wire.title) == (
        "Coastal Wire Service", "2026-10-14", "text", "Harbour board elects Okafor as chair")
    assert (fares.author, fares.date) == ("Jane Doe", "2026-10-03")  # Reuters is the outlet, not an author
    assert (fund.author, fund.date) == (None, None)


def test_a_page_without_charset_or_date_meta_keeps_its_accents_and_its_published_line(
        corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    # a Seattle Times page saved with no <meta charset> and no date tags, as a wheel user fed it: its title had read
    # "M. Lorena GonzÃ¡lez ..." and it had no date, though the page says when it was published
    (corpus / "council.html").write_bytes(
        "<html><head><title>M. Lorena González wins council seat | The Seattle Times</title></head><body><article>"
        "<h1>M. Lorena González wins council seat</h1><p>Originally published November 7, 2017 at 8:21 pm</p>"
        "<p>Updated November 8, 2017 at 11:33 pm</p><p>M. Lorena González was handily re-elected Tuesday to the "
        "Seattle City Council, winning 68 percent of the vote against neighbourhood activist Pat Murakami.</p>"
        "</article></body></html>".encode())
    (corpus / "energy.txt").write_text(
        "Germany split over green energy\nLast Updated: Friday, 25 February, 2005, 10:12 GMT\n"
        "Germany has 16,000 wind turbines, mostly in the north of the country.\n")
    ingest_ok(corpus)
    with open_store() as store:
        articles = {Path(a.origin).name: a.meta for a in store.articles()}
    assert (articles["council.html"].title, articles["council.html"].source) == (
        "M. Lorena González wins council seat", "The Seattle Times")
    assert (articles["council.html"].date, articles["council.html"].date_source) == ("2017-11-07", "text")
    assert articles["energy.txt"].date == "2005-02-25"


def test_a_byline_date_in_a_page_is_text_not_metadata(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    # a Sportsnet page with no date meta tag, as a tester fed it: its byline's date was stored as `metadata` (0.9)
    # and its author as "Sportsnet Staff · March 2"
    body = "<p>Jarome Iginla had his number 12 jersey raised to the rafters by the Calgary Flames on Saturday.</p>"
    (corpus / "iginla.html").write_text(
        "<html><head><title>Flames retire Iginla's jersey - Sportsnet.ca</title></head><body><article>"
        "<h1>Flames retire Iginla's jersey</h1><p class=\"byline\">Sportsnet Staff &middot; March 2, 2019</p>"
        f"{body}</article></body></html>")
    # the same story stating its date for machines, in JSON-LD only: that is the page's metadata
    (corpus / "iginla-ld.html").write_text(
        "<html><head><script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", \"datePublished\": "
        "\"2019-03-03T10:00:00Z\"}</script></head><body><article><h1>Flames retire Iginla's jersey again</h1>"
        f"{body.replace('Saturday', 'Sunday')}</article></body></html>")
    ingest_ok(corpus)
    with open_store() as store:
        articles = {Path(a.origin).name: a.meta for a in store.articles()}
    page, ld = articles["iginla.html"], articles["iginla-ld.html"]
    assert (page.date, page.date_source, page.date_confidence, page.author) == (
        "2019-03-02", "text", 0.8, "Sportsnet Staff")
    assert (ld.date, ld.date_source, ld.date_confidence) == ("2019-03-03", "metadata", 0.9)


def test_a_date_line_and_byline_under_a_headline_give_date_and_author(corpus: Path, ingest_ok: Ingest,
                                                                      open_store: OpenStore) -> None:
    # a Dorset Echo story saved as text, as a tester fed it: it was stored undated and without an author
    (corpus / "castle-cove.txt").write_text(
        "Official opening of Castle Cove Beach steps on Easter Saturday\n17 April 2019\nBy Martin Lea, Dorset Echo\n"
        "\nIt's Easter egg-citement as a beach in Weymouth which has been closed off to the public officially "
        "reopens.\n")
    ingest_ok(corpus)
    with open_store() as store:
        (article,) = store.articles()
    assert (article.meta.date, article.meta.date_source, article.meta.author, article.meta.title) == (
        "2019-04-17", "text", "Martin Lea", "Official opening of Castle Cove Beach steps on Easter Saturday")
    # the date line is page furniture and leaves the text, as a first-line date does; the byline stays
    assert article.text.startswith("Official opening of Castle Cove Beach steps on Easter Saturday\nBy Martin Lea")


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_a_two_word_headline_is_the_title_by_itself(gap: str, corpus: Path, ingest_ok: Ingest,
                                                    open_store: OpenStore) -> None:
    # its title had been "Ferry returns The ferry service to the island resumed on Monday after a six-week closure."
    (corpus / "ferry.txt").write_text(
        f"Ferry returns{gap}The ferry service to the island resumed on Monday after a six-week closure.\n")
    ingest_ok(corpus)
    with open_store() as store:
        (article,) = store.articles()
    assert article.meta.title == "Ferry returns"
