"""The fake OpenAI-compatible server of the reasoning tests, for the chat tests here."""

from tests.check.conftest import fake_openai as fake_openai
