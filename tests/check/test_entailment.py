"""The shipped entailment model: found in the installed package, reads pairs as expected, fails loudly."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from assistant.check.entailment import EntailmentModel, model_dir, shipped_model
from assistant.errors import ModelError

PAIRS = [
    ("Airwars, a London-based collective, says 744 civilians were killed in June.",
     "Airwars is based in London.", "entailment"),
    ("Airwars, a London-based collective, says 744 civilians were killed in June.",
     "Airwars is based in Paris.", "contradiction"),
    ("A man is playing a guitar on stage.", "A man is performing music.", "entailment"),
    ("A man is playing a guitar on stage.", "Nobody is playing an instrument.", "contradiction"),
    ("Airwars says 744 civilians were killed in coalition strikes in June.",
     "Airwars is funded by a European foundation.", "neutral"),
    ("The council approved the budget on Monday.",
     "The council approved the budget on Monday after a long debate with the unions.", "neutral"),
    ("Coal generation slid 18 percent last year.", "Coal generation rose 18 percent last year.", "contradiction"),
    # a copy entails its source (round 1 of the model read copies as contradicting: README "Entailment model")
    ("Daesh is not defeated with the liberation of Raqqa.", "Daesh is not defeated with the liberation of Raqqa.",
     "entailment"),
]


def test_model_ships_inside_the_package_with_its_provenance() -> None:
    folder = model_dir()
    assert folder.parts[-4:] == ("assistant", "check", "models", "nli")
    for name in ("model.onnx", "tokenizer.json", "PROVENANCE.json"):
        assert (folder / name).is_file(), name
    provenance = shipped_model().provenance
    assert "SNLI" in provenance["training_data"]["snli"] and "Apache-2.0" in provenance["base_model"]


@pytest.mark.parametrize(("premise", "hypothesis", "expected"), PAIRS)
def test_fixed_pairs_are_read_as_expected(premise: str, hypothesis: str, expected: str) -> None:
    [scores] = shipped_model().score([premise], hypothesis)
    assert scores.label == expected, scores
    assert abs(scores.entailment + scores.neutral + scores.contradiction - 1.0) < 1e-4


def test_a_missing_model_file_is_one_line_naming_it(tmp_path: Path) -> None:
    shutil.copytree(model_dir(), tmp_path / "nli")
    (tmp_path / "nli" / "model.onnx").unlink()
    with pytest.raises(ModelError, match=r"model file missing: .*model\.onnx") as error:
        EntailmentModel(tmp_path / "nli")
    assert "\n" not in str(error.value)


def test_a_corrupt_model_file_is_one_line_naming_it(tmp_path: Path) -> None:
    shutil.copytree(model_dir(), tmp_path / "nli")
    (tmp_path / "nli" / "model.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(ModelError, match=r"cannot load the model .*model\.onnx") as error:
        EntailmentModel(tmp_path / "nli")
    assert "\n" not in str(error.value)


def test_the_evidence_scorer_ranks_like_the_store_embedder() -> None:
    """The int8-product export that ranks evidence sentences must agree with the store's embedder it stands in for."""
    import numpy as np

    from assistant.check.evidence import sentence_scorer
    from assistant.store.embeddings import LocalMiniLM

    store_embedder = LocalMiniLM()
    scorer = sentence_scorer(store_embedder)
    assert scorer is not store_embedder and "sentence" in scorer.name
    claim = "Airwars is a London-based collective of journalists."
    sentences = ["Airwars, a London-based collective of journalists and researchers, tracks civilian deaths.",
                 "The coalition has carried out thousands of strikes in Syria.",
                 "Coal generation slid by a fifth last year.", "He ate a sandwich for lunch."]
    rankings = []
    for model in (store_embedder, scorer):
        vectors = model.embed([claim, *sentences])
        rankings.append(np.argsort(-(vectors[1:] @ vectors[0])))
    assert list(rankings[0]) == list(rankings[1]) and rankings[1][0] == 0


def test_a_pair_scores_the_same_alone_and_among_others() -> None:
    """int8 activations are quantised per run: batching would make a claim's verdict depend on what else is checked."""
    from assistant.check.entailment import EntailmentModel
    from assistant.check.evidence import sentence_scorer
    from assistant.store.embeddings import LocalMiniLM

    pair = ("The bridge first opened to traffic in 2019, according to the city.",
            "The bridge first opened to traffic in 2021, according to the city.")
    others = [("The new Elm Street bridge cost 40 million dollars to build.",
               "Auditors found that the Elm Street bridge cost 65 million dollars to build."),
              ("A man sleeps.", "A person rests.")]
    alone = EntailmentModel().score_pairs([pair])[0]
    among = EntailmentModel().score_pairs([*others, pair])[-1]
    assert alone == among
    scorer = sentence_scorer(LocalMiniLM())
    assert (scorer.embed([pair[0]])[0] == scorer.embed([*(o[1] for o in others), pair[0]])[-1]).all()


def test_pairs_read_side_by_side_score_as_when_read_one_at_a_time() -> None:
    """Two cores read one pair each at once (assistant/inference.py): every row keeps its own scores, in order."""
    premises = [premise for premise, _, _ in PAIRS] * 3
    one_core = EntailmentModel(model_dir(), threads=1).score(premises, "Airwars is based in London.")
    two_cores = EntailmentModel(model_dir(), threads=2)
    assert two_cores._model.workers == 2
    assert two_cores.score(premises, "Airwars is based in London.") == one_core


def test_a_forked_child_runs_its_own_pool() -> None:
    """A child forked after the pool started inherits the pool but not its threads: it must start its own, not hang."""
    model = EntailmentModel(model_dir(), threads=2)
    model.score([premise for premise, _, _ in PAIRS], "Airwars is based in London.")
    pid = os.fork()
    if pid == 0:  # the child: exit 0 when its run finishes in time
        signal.alarm(30)
        [scores] = model.score([PAIRS[1][0], PAIRS[2][0]], "A man is making music.")[:1]
        os._exit(0 if scores.label else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
