"""The entailment model's training pairs: SNLI + news-like pairs from the datasets' training halves + synthetic edits.

Labels: 0 entailment, 1 neutral, 2 contradiction (the order of assistant/check/entailment.py).
Only groups with split_of(group) == "train" are read (assistant/evaluate/splits.py), and with
TRAINED_STAGE only those whose stage_of(group) is that stage; sentences that also occur in a group
not read are skipped, so no test claim's evidence is ever trained on. A small share of the training
groups is held out as "dev" (per source) to report held-out accuracy and to tune the verifier's thresholds.

Synthetic pairs from real training-half sentences (the trial before this script showed SNLI alone teaches
"unrelated sentence = contradiction" and misses numbers, names and negation in news):
  entailment     a sentence from its window (previous + sentence + next); a clause from its sentence; the
                 sentence itself and a restyled copy (quotes, "U.S."/"US", spelling, digit grouping): without
                 these, the near-identical edits below teach the model that a copy contradicts its source
  contradiction  a number changed, a year shifted, a negation inserted or removed, a capitalised name swapped
                 for another one of the same article, an antonym (WordNet, Debian package wordnet-base, plus a
                 short list of news verbs and comparatives), "more than N" turned into "fewer than N"
  neutral        another sentence of the same article (hard neutral); the sentence plus a clause from elsewhere
                 in the article (a true sentence with an unverifiable detail)
Round 5 (window_pairs) puts the sentence's window in the premise of the same edits and neutrals.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from assistant.evaluate.splits import split_of, stage_of, summedits_group

ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2
LABELS = {"entailment": ENTAILMENT, "neutral": NEUTRAL, "contradiction": CONTRADICTION}
DEV_SHARE = 0.08  # of each source's training groups, held out for per-source accuracy and threshold tuning
WORDNET = Path("/usr/share/wordnet")
# The training half's stage (assistant/evaluate/splits.py: stage_of) that may give pairs; None: both.
# bench/train_nli.py --hold-out-decision-groups sets "entailment" (the shipped model: the verifier's decision is
# fitted on the "decision" groups, claims and evidence the model never read); --cross-fit-twin sets "decision" (a
# twin that reads the entailment groups' claims for the decision, bench/EXPERIMENTS.md: "the decision cross-fitted").
TRAINED_STAGE: str | None = None


def trainable(group: str) -> bool:
    """Whether a dataset group's claims and sentences may give training pairs."""
    return split_of(group) == "train" and TRAINED_STAGE in (None, stage_of(group))

# Inflected news verbs and comparatives WordNet's base-form antonyms miss.
NEWS_ANTONYMS = {
    "rose": "fell", "fell": "rose", "increased": "decreased", "decreased": "increased", "rising": "falling",
    "falling": "rising", "grew": "shrank", "shrank": "grew", "more": "less", "less": "more", "higher": "lower",
    "lower": "higher", "won": "lost", "lost": "won", "larger": "smaller", "smaller": "larger", "before": "after",
    "after": "before", "increase": "decrease", "decrease": "increase", "gained": "lost", "approved": "rejected",
    "rejected": "approved", "accepted": "rejected", "allowed": "banned", "banned": "allowed", "warmer": "colder",
    "colder": "warmer", "easier": "harder", "harder": "easier", "above": "below", "below": "above",
    "supported": "opposed", "opposed": "supported", "first": "last", "last": "first", "early": "late",
    "late": "early", "strengthened": "weakened", "weakened": "strengthened", "expanded": "reduced",
    "raised": "cut", "cut": "raised", "majority": "minority", "minority": "majority", "most": "least",
}
NEGATABLE = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|did|does|do)\b")
NEGATED = re.compile(r"\b(is|are|was|were|has|have|had|will|would|could|should|did|does|do) not\b|\bcannot\b|"
                     r"\b(is|are|was|were|has|have|had|would|could|should|did|does|do)n't\b")
NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\d)")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
NAME = re.compile(r"(?<!^)(?<![.!?] )\b([A-Z][a-z]+(?: [A-Z][a-z]+)*)\b")
COMPARATIVE = re.compile(r"\b(more|fewer|less) than\b")


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: int
    source: str  # snli, climate-fever, wice, summedits, synthetic-<kind>
    split: str  # train or dev

    def as_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


def _dev_or_train(group: str) -> str:
    bucket = int(hashlib.sha256(("dev:" + group).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "dev" if bucket < DEV_SHARE else "train"


def wordnet_antonyms() -> dict[str, str]:
    """Single-word adjective and adverb antonyms from WordNet's data files (empty when wordnet-base is absent)."""
    antonyms: dict[str, str] = {}
    for pos in ("adj", "adv"):
        path = WORDNET / f"data.{pos}"
        if not path.exists():
            continue
        words: dict[str, list[str]] = {}
        pointers: list[tuple[str, int, str, int]] = []
        for line in path.read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            fields = line.split(" | ")[0].split()
            offset, count = fields[0], int(fields[3], 16)
            words[offset] = [re.sub(r"\(.*\)$", "", w).lower() for w in fields[4:4 + 2 * count:2]]
            rest = fields[4 + 2 * count:]
            for i in range(1, 1 + 4 * int(rest[0]), 4):
                if rest[i] == "!":
                    source_target = rest[i + 3]
                    pointers.append((offset, int(source_target[:2], 16), rest[i + 1], int(source_target[2:], 16)))
        for offset, source, target, target_word in pointers:
            if source and target_word and target in words:
                a, b = words[offset][source - 1], words[target][target_word - 1]
                if "_" not in a and "_" not in b and len(a) > 2:
                    antonyms.setdefault(a, b)
    return antonyms


def sentences_of(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"'“(])|\n+", text)
    return [p.strip() for p in parts if 6 <= len(p.split()) <= 60]


# --- synthetic edits: each returns the edited sentence, or None when the edit does not apply ---

def change_number(sentence: str, rng: random.Random) -> str | None:
    found = [m for m in NUMBER.finditer(sentence) if not YEAR.fullmatch(m.group(1))]
    if not found:
        return None
    m = rng.choice(found)
    value = float(m.group(1).replace(",", ""))
    new = value * rng.choice([2, 3, 5, 10, 0.5, 0.2, 0.1]) if value > 3 else value + rng.choice([3, 5, 8, 12])
    text = f"{new:,.0f}" if "," in m.group(1) else (f"{new:g}" if "." in m.group(1) else str(round(new)))
    return None if text == m.group(1) else sentence[:m.start(1)] + text + sentence[m.end(1):]


def shift_year(sentence: str, rng: random.Random) -> str | None:
    found = list(YEAR.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    year = int(m.group(1)) + rng.choice([-10, -5, -3, -2, -1, 1, 2, 3, 5, 10])
    return sentence[:m.start(1)] + str(year) + sentence[m.end(1):]


def toggle_negation(sentence: str, rng: random.Random) -> str | None:
    negated = NEGATED.search(sentence)
    if negated:
        return (sentence[:negated.start()] + negated.group(0).replace(" not", "").replace("n't", "")
                .replace("cannot", "can") + sentence[negated.end():])
    found = list(NEGATABLE.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    return sentence[:m.end()] + " not" + sentence[m.end():]


# Polarity edits beyond "is" -> "is not": determiners and adverbs ("there are no plans", "not currently any",
# "never", "no longer"), which round 2 read as entailment when the claim was worded differently from the source.
_POLARITY_REMOVALS = ((re.compile(r"\b(is|are|was|were) no\b(?! (?:longer|more than|fewer|less|one)\b)"), r"\1"),
                      (re.compile(r"\bnot (currently |yet |now |)any\b"), r"\1"),
                      (re.compile(r"\b(has|have|had) never\b"), r"\1"),
                      (re.compile(r"\bno longer\b"), "still"))
_POLARITY_INSERTIONS = ((re.compile(r"\bthere (is|are|was|were) (?!no\b|not\b)"), r"there \1 no "),
                        (re.compile(r"\b(has|have|had) (?!not\b|never\b|no\b)(?=\w+ed\b|been\b)"), r"\1 never "),
                        (re.compile(r"\b(is|are) still\b"), r"\1 no longer"))


def flip_polarity(sentence: str, rng: random.Random) -> tuple[str, int] | None:
    """The sentence with one determiner/adverb negation removed or inserted, and where the edit happened."""
    edits = [(pattern, replacement) for pattern, replacement in _POLARITY_REMOVALS + _POLARITY_INSERTIONS
             if pattern.search(sentence)]
    if not edits:
        return None
    pattern, replacement = rng.choice(edits)
    m = rng.choice(list(pattern.finditer(sentence)))
    edited = sentence[:m.start()] + m.expand(replacement) + sentence[m.end():]
    return re.sub(r"\s+", " ", edited), m.start()


def clause_at(sentence: str, position: int) -> str | None:
    """The comma/semicolon clause of the sentence that contains `position`, as a sentence of its own."""
    start = 0
    for part in re.split(r"(?<=[;,]) ", sentence):
        end = start + len(part) + 1
        if start <= position < end:
            clause = re.sub(r"^(?:and|but|so|while) ", "", part.strip(" ,;").rstrip("."), flags=re.IGNORECASE)
            return clause[0].upper() + clause[1:] + "." if len(clause.split()) >= 5 else None
        start = end
    return None


def polarity_pairs(sentence: str, window: str, rng: random.Random) -> Iterator[tuple[str, str, str, int]]:
    """(kind, premise, hypothesis, label): the flipped sentence and its flipped clause contradict the original;
    the unflipped clause entails it (the contrast teaches the model which word carries the polarity)."""
    flipped = flip_polarity(sentence, rng) or (None, 0)
    if flipped[0] is None:
        return
    edited, position = flipped
    yield "polarity", rng.choice([sentence, window]), restyle(edited, rng) if rng.random() < 0.3 else edited, \
        CONTRADICTION
    yield "polarity", edited, sentence, CONTRADICTION
    edited_clause, clause = clause_at(edited, position), clause_at(sentence, position)
    if edited_clause and clause and clause.rstrip(".") != sentence.rstrip("."):
        yield "polarity-clause", rng.choice([sentence, window]), edited_clause, CONTRADICTION
        yield "polarity-clause", rng.choice([sentence, window]), clause, ENTAILMENT


def swap_name(sentence: str, names: list[str], rng: random.Random) -> str | None:
    found = list(NAME.finditer(sentence))
    if not found:
        return None
    m = rng.choice(found)
    others = [n for n in names if n != m.group(1) and n not in sentence and len(n.split()) == len(m.group(1).split())]
    if not others:
        return None
    return sentence[:m.start(1)] + rng.choice(others) + sentence[m.end(1):]


def swap_antonym(sentence: str, antonyms: dict[str, str], rng: random.Random) -> str | None:
    words = [m for m in re.finditer(r"\b[a-z]+\b", sentence) if m.group(0) in antonyms]
    if not words:
        return None
    m = rng.choice(words)
    return sentence[:m.start()] + antonyms[m.group(0)] + sentence[m.end():]


def flip_comparative(sentence: str, rng: random.Random) -> str | None:
    m = COMPARATIVE.search(sentence)
    if not m:
        return None
    flipped = {"more": rng.choice(["fewer", "less"]), "fewer": "more", "less": "more"}[m.group(1)]
    return sentence[:m.start(1)] + flipped + sentence[m.end(1):]


def clause_of(sentence: str, rng: random.Random) -> str | None:
    parts = [p.strip(" ,;") for p in re.split(r"[;,] (?:and |but |while |which )?|, who |, where ", sentence)]
    parts = [p for p in parts if len(p.split()) >= 5 and p != sentence.rstrip(".")]
    if not parts:
        return None
    clause = rng.choice(parts).rstrip(".")
    return clause[0].upper() + clause[1:] + "."


_RESTYLE = ((r"\bU\.S\.", "US"), (r"\bUS\b", "U.S."), (r"[“”]", '"'), (r"[‘’]", "'"), (r"\bkilometres\b", "kilometers"),
            (r"\bkilometers\b", "kilometres"), (r"\bper cent\b", "percent"), (r"\bpercent\b", "per cent"),
            (r"(\d),(\d{3})\b", r"\1\2"), (r"^(?:But|And|However,|Meanwhile,) ", ""), (r"\s+", " "))


def restyle(sentence: str, rng: random.Random) -> str:
    """The same statement in another house style: quotes, "U.S."/"US", spelling, digit grouping, a leading "But"."""
    text = sentence
    for pattern, replacement in rng.sample(_RESTYLE, k=rng.randint(1, len(_RESTYLE))):
        text = re.sub(pattern, replacement, text)
    text = text.strip()
    return text[0].upper() + text[1:] if text else sentence


@dataclass
class Document:
    group: str
    split: str
    sentences: list[str]


def synthetic_pairs(doc: Document, antonyms: dict[str, str], rng: random.Random, per_doc: int) -> Iterator[Pair]:
    """Up to `per_doc` pairs of each kind from one training document."""
    sentences = doc.sentences
    if len(sentences) < 2:
        return
    names = sorted({m.group(1) for s in sentences for m in NAME.finditer(s)})
    order = rng.sample(range(len(sentences)), min(len(sentences), per_doc * 3))
    emit = _Quota(doc, per_doc)
    for i in order:
        s = sentences[i]
        window = " ".join(sentences[max(0, i - 1):i + 2])
        other = sentences[rng.choice([j for j in range(len(sentences)) if j != i])]
        yield from emit("window", window, s, ENTAILMENT)
        # Identical and restyled copies entail: without them, the edits below teach "near-identical = contradiction"
        yield from emit("copy", s, s + " ", ENTAILMENT)
        yield from emit("restyle", s, restyle(s, rng), ENTAILMENT)
        yield from emit("restyle-window", window, restyle(s, rng), ENTAILMENT)
        yield from emit("clause", s, clause_of(s, rng), ENTAILMENT)
        yield from emit("number", s, change_number(s, rng), CONTRADICTION)
        yield from emit("year", s, shift_year(s, rng), CONTRADICTION)
        yield from emit("negation", rng.choice([s, window]), toggle_negation(s, rng), CONTRADICTION)
        yield from emit("name", s, swap_name(s, names, rng), CONTRADICTION)
        yield from emit("antonym", s, swap_antonym(s, antonyms, rng), CONTRADICTION)
        yield from emit("comparative", s, flip_comparative(s, rng), CONTRADICTION)
        yield from emit("other-sentence", other, s, NEUTRAL)
        extra = clause_of(other, rng)
        if extra:
            yield from emit("added-detail", s, _with_detail(s, extra), NEUTRAL)


class _Quota:
    """A document's synthetic pairs, at most `per_doc` of each kind; no pair when the edit found nothing to change."""

    def __init__(self, doc: Document, per_doc: int) -> None:
        self.doc, self.per_doc = doc, per_doc
        self.made: dict[str, int] = {}

    def __call__(self, kind: str, premise: str, hypothesis: str | None, label: int) -> Iterator[Pair]:
        if hypothesis and hypothesis != premise and self.made.get(kind, 0) < self.per_doc:
            self.made[kind] = self.made.get(kind, 0) + 1
            yield Pair(premise, hypothesis, label, f"synthetic-{kind}", self.doc.split)


def _with_detail(sentence: str, clause: str) -> str:
    """The sentence with a clause from elsewhere added: true as far as it goes, with a detail it cannot vouch for."""
    return sentence.rstrip(".") + ", and " + clause[0].lower() + clause[1:]


def window_pairs(doc: Document, antonyms: dict[str, str], rng: random.Random, per_doc: int) -> Iterator[Pair]:
    """Round 5: sentence windows (previous + sentence + next) as premises of contradictions and neutrals, not only
    of entailments as in round 1, which taught "a long premise that shares the words entails" (a window read as
    entailing an edited or unrelated claim at p 0.9+); the window positives stay."""
    sentences = doc.sentences
    if len(sentences) < 4:
        return
    names = sorted({m.group(1) for s in sentences for m in NAME.finditer(s)})
    emit = _Quota(doc, per_doc)
    for i in rng.sample(range(len(sentences)), min(len(sentences), per_doc * 4)):
        s = sentences[i]
        window = " ".join(sentences[max(0, i - 1):i + 2])
        outside = [j for j in range(len(sentences)) if abs(j - i) > 1]
        other = sentences[rng.choice(outside)]
        yield from emit("window", window, s, ENTAILMENT)
        yield from emit("restyle-window", window, restyle(s, rng), ENTAILMENT)
        yield from emit("window-clause", window, clause_of(s, rng), ENTAILMENT)
        yield from emit("window-number", window, change_number(s, rng), CONTRADICTION)
        yield from emit("window-year", window, shift_year(s, rng), CONTRADICTION)
        yield from emit("window-negation", window, toggle_negation(s, rng), CONTRADICTION)
        yield from emit("window-name", window, swap_name(s, names, rng), CONTRADICTION)
        yield from emit("window-antonym", window, swap_antonym(s, antonyms, rng), CONTRADICTION)
        yield from emit("window-comparative", window, flip_comparative(s, rng), CONTRADICTION)
        yield from emit("window-other-sentence", window, other, NEUTRAL)
        extra = clause_of(other, rng)
        if extra:
            yield from emit("window-added-detail", window, _with_detail(s, extra), NEUTRAL)


# --- real pairs from the datasets' training halves ---

def snli(folder: Path, per_label: int, rng: random.Random) -> list[Pair]:
    rows = [json.loads(line) for line in (folder / "snli" / "snli_train_100k.jsonl").open(encoding="utf-8")]
    rng.shuffle(rows)
    pairs, counts = [], dict.fromkeys(LABELS, 0)
    for row in rows:
        if row["label"] in LABELS and counts[row["label"]] < per_label:
            counts[row["label"]] += 1
            split = _dev_or_train(row["id"].split("#")[0])
            pairs.append(Pair(row["premise"], row["hypothesis"], LABELS[row["label"]], "snli", split))
    return pairs


def climate_fever(folder: Path) -> tuple[list[Pair], list[Document]]:
    rows = [json.loads(line) for line in (folder / "climate-fever" / "climate-fever.jsonl").open(encoding="utf-8")]
    held_out = {e["evidence"] for r in rows if not trainable(f"cf-{r['claim_id']}") for e in r["evidences"]}
    labels = {"SUPPORTS": ENTAILMENT, "REFUTES": CONTRADICTION, "NOT_ENOUGH_INFO": NEUTRAL}
    pairs, articles = [], {}
    for row in rows:
        group = f"cf-{row['claim_id']}"
        if not trainable(group):
            continue
        split = _dev_or_train(group)
        for e in row["evidences"]:
            if e["evidence"] in held_out:
                continue
            pairs.append(Pair(e["evidence"], row["claim"], labels[e["evidence_label"]], "climate-fever", split))
            articles.setdefault(e["article"], {})[int(e["evidence_id"].rpartition(":")[2])] = e["evidence"]
    docs = [Document(f"cf-article:{title}", _dev_or_train(f"cf-article:{title}"),
                     [s for _, s in sorted(by_index.items())]) for title, by_index in sorted(articles.items())]
    return pairs, docs


def wice(folder: Path, rng: random.Random) -> tuple[list[Pair], list[Document]]:
    rows = [json.loads(line) for line in (folder / "wice-dev" / "claim_dev.jsonl").open(encoding="utf-8")]
    pairs, docs = [], []
    for row in rows:
        group = f"wice-{row['meta']['id']}"
        if not trainable(group):
            continue
        split = _dev_or_train(group)
        evidence = row["evidence"]
        body = [s for s in evidence if not s.startswith("(meta data)")]
        docs.append(Document(group, split, [s for s in body if 6 <= len(s.split()) <= 60]))
        label = {"supported": ENTAILMENT, "partially_supported": NEUTRAL}.get(row["label"], NEUTRAL)
        for indices in row["supporting_sentences"][:2]:
            premise = " ".join(evidence[i] for i in sorted(indices) if i < len(evidence))
            if premise and len(premise.split()) < 160:
                pairs.append(Pair(premise, row["claim"], label, "wice", split))
        claim_words = set(re.findall(r"\w+", row["claim"].lower()))
        ranked = sorted(body, key=lambda s: -len(claim_words & set(re.findall(r"\w+", s.lower()))))
        if row["label"] == "not_supported" and ranked:
            pairs.append(Pair(" ".join(ranked[:2]), row["claim"], NEUTRAL, "wice", split))
    return pairs, docs


def summedits(folder: Path) -> tuple[list[Pair], list[Document]]:
    pairs, docs = [], []
    for domain in ("summedits_podcast.json", "summedits_ectsum.json"):
        rows = json.loads((folder / "summedits-dev" / domain).read_text(encoding="utf-8"))
        for row in rows:
            group = summedits_group(row["doc"])
            if not trainable(group):
                continue
            split = _dev_or_train(group)
            edits = row["edit_types"] if isinstance(row["edit_types"], list) else json.loads(
                row["edit_types"].replace("'", '"'))
            if str(row["label"]) == "1":
                label = ENTAILMENT
            elif set(edits) <= {"hallucinated_fact_insertion"}:
                label = NEUTRAL
            else:
                label = CONTRADICTION
            if row["summary"] != row["original_summary"] or label == ENTAILMENT:
                pairs.append(Pair(row["original_summary"], row["summary"], label, "summedits", split))
        for doc in dict.fromkeys(r["doc"] for r in rows):
            group = summedits_group(doc)
            if trainable(group):
                docs.append(Document(group, _dev_or_train(group), sentences_of(doc)))
    return pairs, docs


def build(folder: Path, snli_per_label: int, synthetic_per_doc: int, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    antonyms = {**wordnet_antonyms(), **NEWS_ANTONYMS}
    pairs = snli(folder, snli_per_label, rng)
    docs: list[Document] = []
    for real, found in (climate_fever(folder), wice(folder, rng), summedits(folder)):
        pairs += real
        docs += found
    for doc in docs:
        pairs += synthetic_pairs(doc, antonyms, rng, synthetic_per_doc)
    rng.shuffle(pairs)
    return pairs


def wice_hard_neutrals(folder: Path, per_claim: int) -> list[Pair]:
    """Page sentences outside every rationale of a training-half WiCE claim, most word-overlapping first: neutral.

    WiCE's annotators marked every sentence that supports part of the claim, so the others say nothing about it,
    however many words they share with it: the hard neutral a news page is full of.
    """
    pairs = []
    for line in (folder / "wice-dev" / "claim_dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        group = f"wice-{row['meta']['id']}"
        if not trainable(group):
            continue
        cited = {i for indices in row["supporting_sentences"] for i in indices}
        claim_words = set(re.findall(r"\w+", row["claim"].lower()))
        body = [s for i, s in enumerate(row["evidence"])
                if i not in cited and not s.startswith("(meta data)") and 6 <= len(s.split()) <= 60]
        ranked = sorted(body, key=lambda s: -len(claim_words & set(re.findall(r"\w+", s.lower()))))
        pairs += [Pair(s, row["claim"], NEUTRAL, "wice-hard-neutral", _dev_or_train(group)) for s in ranked[:per_claim]]
    return pairs


def build_news(folder: Path, seed: int) -> list[Pair]:
    """The second round's mix: news-like pairs weighted up, SNLI and synthetic edits kept smaller (no forgetting)."""
    rng = random.Random(seed)
    antonyms = {**wordnet_antonyms(), **NEWS_ANTONYMS}
    pairs = snli(folder, 4000, rng)
    (cf, cf_docs), (wice_pairs, wice_docs), (se, se_docs) = climate_fever(folder), wice(folder, rng), summedits(folder)
    pairs += cf * 2 + wice_pairs * 3 + se * 2 + wice_hard_neutrals(folder, 3)
    synthetic = [pair for doc in cf_docs + wice_docs + se_docs for pair in synthetic_pairs(doc, antonyms, rng, 3)]
    pairs += rng.sample(synthetic, min(len(synthetic), 8000))
    rng.shuffle(pairs)
    return pairs


def build_polarity(folder: Path, seed: int, round_two: Path) -> list[Pair]:
    """The third round's mix: determiner/adverb polarity edits of every training-half sentence that has one, plus
    a sample of round 2's pairs (so nothing learnt there is forgotten)."""
    rng = random.Random(seed)
    docs = [doc for _, found in (climate_fever(folder), wice(folder, rng), summedits(folder)) for doc in found]
    pairs = []
    for doc in docs:
        for i, sentence in enumerate(doc.sentences):
            window = " ".join(doc.sentences[max(0, i - 1):i + 2])
            pairs += [Pair(premise, hypothesis, label, f"synthetic-{kind}", doc.split)
                      for kind, premise, hypothesis, label in polarity_pairs(sentence, window, rng)
                      if hypothesis != premise]
    earlier = [Pair(**json.loads(line)) for line in round_two.open(encoding="utf-8")]
    pairs += rng.sample(earlier, min(len(earlier), 2 * len(pairs)))
    rng.shuffle(pairs)
    return pairs


def build_windows(folder: Path, seed: int, per_doc: int = 3) -> list[Pair]:
    """The fifth round's mix: windows as premises of every label (window_pairs) from every training document,
    plus a sample of round 2's pairs (build_news: news pairs and SNLI, so nothing learnt there is forgotten)."""
    rng = random.Random(seed)
    antonyms = {**wordnet_antonyms(), **NEWS_ANTONYMS}
    docs = [doc for _, found in (climate_fever(folder), wice(folder, rng), summedits(folder)) for doc in found]
    pairs = [pair for doc in docs for pair in window_pairs(doc, antonyms, rng, per_doc)]
    earlier = build_news(folder, seed)
    pairs += rng.sample(earlier, min(len(earlier), 2 * len(pairs)))
    rng.shuffle(pairs)
    return pairs
