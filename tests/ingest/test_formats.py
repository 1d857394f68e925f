"""Each supported format through `factcheck ingest`: text, metadata, and what must stay out of the text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.ingest.markdown import markdown_text
from assistant.text import iso_date
from assistant.types import Article
from tests.helpers import OpenStore, RunCli

Ingest = Callable[..., dict[str, Any]]

HTML_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour tunnel opens to traffic | The Coastal Times</title>
<meta property="og:title" content="Harbour tunnel opens to traffic">
<meta property="og:site_name" content="The Coastal Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2019-03-05T08:00:00Z">
<link rel="canonical" href="https://coastaltimes.example/news/harbour-tunnel">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">Subscribe now for unlimited access</a></li></ul></nav>
<header><div class="logo">The Coastal Times</div></header>
<main><article>
<h1>Harbour tunnel opens to traffic</h1>
<p>The new harbour tunnel opened to traffic on Tuesday morning, cutting the journey between the two districts
from forty minutes to eight, the transport authority said.</p>
<p>Construction of the 2.3-kilometre tunnel took five years and cost 1.2 billion dollars, about 15 percent more
than first budgeted, according to figures published by the city council.</p>
<p>Officials expect roughly 45,000 vehicles a day to use the tunnel once a toll-free introductory month ends.</p>
</article></main>
<aside><h3>Most read</h3><ul><li><a href="/a">Celebrity chef opens bakery</a></li>
<li><a href="/b">Storm warning for the weekend</a></li></ul></aside>
<footer><p>Copyright 2019 The Coastal Times. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/cookies">Cookie settings</a></footer>
</body></html>
"""


def _by_origin(open_store: OpenStore) -> dict[str, Article]:
    with open_store() as store:
        return {Path(a.origin).name: a for a in store.articles()}


def test_markdown_front_matter_becomes_metadata(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    (corpus / "bridge.md").write_text(
        "---\ntitle: Bridge reopens after repairs\nsource: Daily Planet\ndate: July 24, 2017\n"
        "url: https://dailyplanet.example/bridge\nauthor: Lois Lane\n---\n"
        "The old river bridge reopened on Monday after eight months of repairs, city officials said.\n\n"
        "Traffic engineers expect about 20,000 vehicles a day to cross it.\n")
    (corpus / "typed.markdown").write_text("---\ntitle: Typed dates\ndate: 2020-02-29\n---\nA leap day story.\n")
    assert ingest_ok(corpus)["articles"] == 2
    articles = _by_origin(open_store)
    bridge = articles["bridge.md"]
    assert bridge.meta.model_dump(include={"title", "source", "date", "url", "author"}) == {
        "title": "Bridge reopens after repairs", "source": "Daily Planet", "date": "2017-07-24",
        "url": "https://dailyplanet.example/bridge", "author": "Lois Lane"}
    assert bridge.text.startswith("The old river bridge reopened")
    assert "---" not in bridge.text and "Lois Lane" not in bridge.text and "title:" not in bridge.text
    assert articles["typed.markdown"].meta.date == "2020-02-29"  # YAML's own date type


def test_html_main_text_and_meta_tags(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    (corpus / "tunnel.html").write_text(HTML_PAGE)
    assert ingest_ok(corpus)["articles"] == 1
    article = _by_origin(open_store)["tunnel.html"]
    assert article.meta.title == "Harbour tunnel opens to traffic"
    assert article.meta.date == "2019-03-05"
    assert article.meta.source == "The Coastal Times"
    assert article.meta.author == "Jane Doe"
    assert article.meta.url == "https://coastaltimes.example/news/harbour-tunnel"
    assert "cutting the journey between the two districts" in article.text
    assert "45,000 vehicles a day" in article.text
    for boilerplate in ("Subscribe now", "Home", "Celebrity chef", "Most read", "Copyright", "Privacy policy",
                        "Cookie settings", "<p>", "&amp;"):
        assert boilerplate not in article.text, boilerplate


def test_jsonl_records_with_metadata(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    records = [
        {"text": "Wind farms off the northern coast doubled their output last year.", "title": "Wind farms",
         "source": "Energy Wire", "date": "2020-01-02", "url": "https://energy.example/wind", "author": "Sam Ray"},
        {"text": "Rail workers in the capital voted to strike next month.", "title": "Rail strike",
         "source": "Rail News", "date": "March 3, 2021"},
        {"text": "The city zoo welcomed two elephants from a sanctuary.", "url": "https://www.zoo-times.example/x"},
    ]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    summary = ingest_ok(corpus)
    assert (summary["files"], summary["articles"]) == (1, 3)
    with open_store() as store:
        by_title = {a.meta.title: a for a in store.articles()}
    wind = by_title["Wind farms"]
    assert (wind.meta.source, wind.meta.date, wind.meta.url, wind.meta.author) == (
        "Energy Wire", "2020-01-02", "https://energy.example/wind", "Sam Ray")
    assert wind.origin.endswith("feed.jsonl:1")
    assert by_title["Rail strike"].meta.date == "2021-03-03"
    assert by_title["Rail strike"].origin.endswith("feed.jsonl:2")
    # No title: the lead sentence; no source: the URL's host without "www.".
    zoo = by_title["The city zoo welcomed two elephants from a sanctuary."]
    assert zoo.meta.source == "zoo-times.example"


def test_csv_records_with_metadata(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    (corpus / "table.csv").write_text(
        'title,text,source,date,author\n'
        'Museum,"The museum reopened, after a long renovation, with a new wing.",Museum Daily,2018-05-06,Ann Lee\n'
        'Zoo,"Second body, about a zoo\nand its new elephants.",Zoo Times,"July 24, 2017",\n'
        'Harbour,The harbour festival drew record crowds.,Coast FM,24/07/2017,\n')
    summary = ingest_ok(corpus)
    assert (summary["articles"], summary["failed"]) == (3, 0)
    with open_store() as store:
        by_title = {a.meta.title: a for a in store.articles()}
    museum = by_title["Museum"]
    assert museum.text == "The museum reopened, after a long renovation, with a new wing."
    assert (museum.meta.source, museum.meta.date, museum.meta.author) == ("Museum Daily", "2018-05-06", "Ann Lee")
    assert by_title["Zoo"].text == "Second body, about a zoo\nand its new elephants."
    assert by_title["Zoo"].meta.date == "2017-07-24"
    assert by_title["Zoo"].meta.author is None
    assert by_title["Harbour"].meta.date == "2017-07-24"


def test_common_other_field_names_are_read_and_said(corpus: Path, run_cli: RunCli, open_store: OpenStore) -> None:
    # a wheel user's CSV: its outlet column had been dropped without a word and the URL's host shown as the source
    (corpus / "table.csv").write_text("headline,body,outlet,published_at,link\n"
                                      "Museum,The museum reopened after a long renovation.,Museum Daily,2018-05-06,"
                                      "https://example.org/museum\n")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert "read 'body' as text, 'headline' as title, 'outlet' as source" in result.stderr
    with open_store() as store:
        (article,) = store.articles()
    assert article.text == "The museum reopened after a long renovation."
    assert (article.meta.title, article.meta.source, article.meta.date, article.meta.url) == (
        "Museum", "Museum Daily", "2018-05-06", "https://example.org/museum")


def test_a_list_where_text_belongs_is_left_out_with_a_warning(corpus: Path, run_cli: RunCli,
                                                              open_store: OpenStore) -> None:
    (corpus / "feed.jsonl").write_text(json.dumps({"text": "The museum reopened after a long renovation.",
                                                   "title": ["Museum", "Arts"], "source": "Museum Daily"}) + "\n")
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 0, result.output
    assert f"{corpus / 'feed.jsonl'}:1: field 'title' is a list, not text; left out" in result.stderr
    with open_store() as store:
        (article,) = store.articles()
    assert "[" not in article.meta.title and article.meta.source == "Museum Daily"


def test_markdown_is_stored_as_the_text_a_reader_sees(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    # a wheel user's check quoted "# New $300 million Portola High School opens ..." with its heading marker
    (corpus / "portola.md").write_text(
        "---\ntitle: Portola opens\nsource: Orange County Register\n---\n"
        "# New $300 million Portola High School opens to 400 freshmen\n\n"
        "Portola High School **opened** on Wednesday, [the district said](https://iusd.org/news).\n"
        "Its campus covers 43 acres.\n\n- 2,600 students by 2020\n\n![campus](campus.jpg)\n")
    ingest_ok(corpus)
    with open_store() as store:
        (article,) = store.articles()
    assert article.text == ("New $300 million Portola High School opens to 400 freshmen\n\nPortola High School opened "
                            "on Wednesday, the district said.\nIts campus covers 43 acres.\n\n2,600 students by 2020")


def test_markdown_keeps_every_fact_of_its_text() -> None:
    # a line opening with a year is a CommonMark list item: its number is kept; HTML blocks stay as written
    assert markdown_text("2016. The school opened.\n\n<p>It has 400 students.</p>\n\nA \\$5 *fee*.\n") == (
        "2016. The school opened.\n\n<p>It has 400 students.</p>\n\nA $5 fee.")


def test_field_map_names_other_columns(corpus: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch,
                                       open_store: OpenStore) -> None:
    (corpus / "table.csv").write_text("heading,copy,paper,day\n"
                                      "Museum,The museum reopened after a long renovation.,Museum Daily,2018-05-06\n")
    unmapped = run_cli("ingest", corpus, "--json")
    assert unmapped.exit_code == 1
    assert "CSV has no 'text' column" in unmapped.stderr and "FACTCHECK_FIELD_MAP=text=COLUMN" in unmapped.stderr

    monkeypatch.setenv("FACTCHECK_FIELD_MAP", "text=copy, title=heading,source=paper,date=day")
    mapped = run_cli("ingest", corpus, "--json")
    assert mapped.exit_code == 0, mapped.output
    assert "read '" not in mapped.stderr  # a mapping is used as given
    with open_store() as store:
        (article,) = store.articles()
    assert article.text == "The museum reopened after a long renovation."
    assert (article.meta.title, article.meta.source, article.meta.date) == ("Museum", "Museum Daily", "2018-05-06")


def test_bad_field_map_is_a_clear_error(corpus: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    (corpus / "a.txt").write_text("Some text.")
    monkeypatch.setenv("FACTCHECK_FIELD_MAP", "body")
    result = run_cli("ingest", corpus)
    assert result.exit_code == 1
    assert "FACTCHECK_FIELD_MAP" in result.stderr and "'body'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_plain_text_leading_date_and_caption(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    (corpus / "wire.txt").write_text(
        "published: 2021-11-30T09:15:00Z Rescue workers search the rubble in the old town (Photo: Reuters)\n\n"
        "ANTAKYA, Turkey — Rescue teams pulled two survivors from a collapsed building on Tuesday.\n")
    ingest_ok(corpus)
    article = _by_origin(open_store)["wire.txt"]
    assert article.meta.date == "2021-11-30"
    assert article.meta.caption == "Rescue workers search the rubble in the old town (Photo: Reuters)"
    assert article.text == "ANTAKYA, Turkey — Rescue teams pulled two survivors from a collapsed building on Tuesday."
    assert article.meta.title == "Rescue teams pulled two survivors from a collapsed building on Tuesday."
    assert article.meta.source == "wire"


@pytest.mark.parametrize(("raw", "expected", "complete"), [
    ("July 24, 2017", "2017-07-24", "2017-07-24"), ("24 July 2017", "2017-07-24", "2017-07-24"),
    ("2017-07-24T23:30:00-05:00", "2017-07-24", "2017-07-24"),
    ("Mon, 24 Jul 2017 10:00:00 GMT", "2017-07-24", "2017-07-24"),
    ("2017/07/24", "2017-07-24", "2017-07-24"), ("24/07/2017", "2017-07-24", "2017-07-24"),
    ("Jan 1 1900", "1900-01-01", "1900-01-01"), ("March 2021", "2021-03-01", None), ("2017", "2017-01-01", None),
    ("July 24", None, None), ("not a date", None, None), ("", None, None),
])
def test_date_normalisation(raw: str, expected: str | None, complete: str | None) -> None:
    assert iso_date(raw) == expected
    assert iso_date(raw, complete=True) == complete  # an article's date: no guessed day or month


def test_article_dates_are_never_guessed(corpus: Path, ingest_ok: Ingest, open_store: OpenStore) -> None:
    records = [{"text": f"Story number {i} about the harbour and the {word} plan.", "title": f"T{i}", "date": date}
               for i, (word, date) in enumerate([("rail", "March 2021"), ("zoo", "2017"), ("farm", "24 July 2017"),
                                                 ("port", "yesterday")])]
    (corpus / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    ingest_ok(corpus)
    with open_store() as store:
        dates = {a.meta.title: a.meta.date for a in store.articles()}
    assert dates == {"T0": None, "T1": None, "T2": "2017-07-24", "T3": None}


def test_jsonl_lines_end_only_at_newlines(corpus: Path, ingest_ok: Ingest, open_store: OpenStore,
                                          run_cli: RunCli) -> None:
    """U+2028 and U+0085 are legal inside JSON strings; CRLF and blank lines are common in exports."""
    records = [{"text": "First line\u2028second line of the harbour story.", "title": "A"},
               {"text": "Next\u0085line of the zoo story.", "title": "B"}]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    (corpus / "feed.jsonl").write_bytes("\r\n".join([lines[0], "", lines[1], "{broken", ""]).encode())
    result = run_cli("ingest", corpus, "--json")
    assert result.exit_code == 1
    assert [(e["line"], e["reason"].split(" (")[0]) for e in result.json()["errors"]] == [(4, "malformed JSON")]
    with open_store() as store:
        by_title = {a.meta.title: a for a in store.articles()}
    assert by_title["A"].text == records[0]["text"] and by_title["A"].origin.endswith("feed.jsonl:1")
    assert by_title["B"].text == records[1]["text"] and by_title["B"].origin.endswith("feed.jsonl:3")


def test_a_malformed_json_line_says_what_is_wrong_and_where(corpus: Path, run_cli: RunCli) -> None:
    (corpus / "feed.jsonl").write_text('{"title": "x", "text": "Unterminated\n{"title": "y"\n', encoding="utf-8")
    result = run_cli("ingest", corpus, "--json")
    reasons = [e["reason"] for e in result.json()["errors"]]
    assert reasons == ["malformed JSON (Unterminated string starting at column 24)",
                       "malformed JSON (Expecting ',' delimiter at column 14)"]


def test_a_csv_record_is_named_by_the_line_it_begins_on(corpus: Path, run_cli: RunCli, open_store: OpenStore) -> None:
    # a wheel user's CSV row began on line 2 and its text ran over 18 lines; its origin had named line 19
    (corpus / "table.csv").write_text('title,text\nMuseum,"The museum reopened.\nIt had been shut for years."\n'
                                      "Zoo,The zoo reopened after a long renovation.\n")
    assert run_cli("ingest", corpus).exit_code == 0
    with open_store() as store:
        origins = {a.meta.title: a.origin for a in store.articles()}
    assert origins == {"Museum": f"{corpus / 'table.csv'}:2", "Zoo": f"{corpus / 'table.csv'}:4"}
