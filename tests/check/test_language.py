"""The local engine reads English only, and says so; a terse English claim is never mistaken for another language."""

from __future__ import annotations

import pytest

from assistant.check.claims import looks_english


@pytest.mark.parametrize("text", [
    "Coal generation slid 18 percent last year", "Ain Issa lies 50 km north", "Die Hard star Bruce Willis is the lead.",
    "Airwars says 744 civilians were killed in coalition strikes in June.", "12.5%",
])
def test_english(text: str) -> None:
    assert looks_english(text)


@pytest.mark.parametrize("text", [
    "伦敦的Airwars组织说，6月份有744名平民在联军空袭中丧生。", "Die Regierung hat das Gesetz im März beschlossen.",
    "Le gouvernement a adopté la loi sur les retraites en mars.", "El gobierno aprobó la ley de pensiones en marzo.",
])
def test_not_english(text: str) -> None:
    assert not looks_english(text)
