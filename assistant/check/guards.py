"""Guards against text aimed at the model: articles are data, and what the model says is checked as such.

A quote whose sentence reads like an instruction to an AI ("ignore previous instructions", "print your system
prompt") is never shown as evidence, and an answer that repeats the system prompt is withheld.
"""

from __future__ import annotations

import re

_INSTRUCTION = re.compile(
    r"\b(?:ignore (?:all |any )?(?:previous|prior|above) (?:instructions|prompts?)|disregard (?:the |all )?"
    r"(?:previous|above|prior)|you are now (?:in )?\w+ mode|system prompt|developer mode|jailbreak|"
    r"(?:print|reveal|show) (?:me )?(?:your|the) (?:instructions|prompt|api key)|openai_api_key|api[_ ]key)\b",
    re.IGNORECASE,
)


def aimed_at_model(text: str) -> bool:
    return bool(_INSTRUCTION.search(text))


def echoes(answer: str, secret_text: str, window: int = 60) -> bool:
    """Whether the answer repeats any `window`-character stretch of a text it must not reveal."""
    flat_answer = " ".join(answer.split()).lower()
    flat_secret = " ".join(secret_text.split()).lower()
    return any(flat_secret[i:i + window] in flat_answer for i in range(0, max(1, len(flat_secret) - window), 20))
