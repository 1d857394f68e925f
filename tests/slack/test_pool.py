"""The bot's worker pool: requests run side by side, "busy" only when every worker and queue place is taken, a
dead worker process is replaced, and a burst of signed mentions over real HTTP is answered once each."""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from assistant.config import load_settings
from assistant.slack import work
from assistant.slack.pool import FactChecker
from assistant.slack.work import BUSY, GENERIC_ERROR
from assistant.types import CheckResult
from tests.fakes.slack_api import FakeSlack
from tests.slack.conftest import StartBot
from tests.slack.harness import all_text

pytestmark = pytest.mark.usefixtures("seeded")


class HeldEngine:
    """An engine stand-in that holds every check until released, counting how many run at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> CheckResult:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(timeout=30)
        with self._lock:
            self.running -= 1
        return CheckResult(engine="local")


def _wait(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_busy_only_when_every_worker_and_queue_place_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = HeldEngine()
    monkeypatch.setattr(work, "check_text", engine)
    checker = FactChecker(load_settings(), workers=2, kind="thread", queue=3)
    try:
        with ThreadPoolExecutor(max_workers=5) as senders:
            held: list[Future[Any]] = [senders.submit(checker.reply, f"claim {n} is true.") for n in range(5)]
            _wait(lambda: checker.in_flight == 5 and engine.running == 2)
            assert engine.most_at_once == 2  # two workers: two checks at once, three waiting in the queue
            assert checker.reply("one too many").text == BUSY
            engine.release.set()
            replies = [f.result(timeout=30) for f in held]
        assert all(r.text != BUSY for r in replies)
        assert checker.in_flight == 0
        assert checker.reply("room again").text != BUSY
    finally:
        engine.release.set()
        checker.close()


@pytest.mark.slow
def test_a_killed_worker_process_is_replaced() -> None:
    checker = FactChecker(load_settings(), workers=1, kind="process", queue=0)
    try:
        assert "Supported" in all_text({"t": checker.reply("Airwars says 744 civilians were killed in June.").blocks})
        executor: Any = checker._executor
        (pid,) = list(executor._processes)
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: executor._broken, timeout=10)
        assert checker.reply("Airwars says 744 civilians were killed in June.").text == GENERIC_ERROR
        assert "Supported" in all_text({"t": checker.reply("Airwars says 744 civilians were killed in June.").blocks})
        assert checker.in_flight == 0
    finally:
        checker.close()


def _load_request(n: int) -> tuple[str, str]:
    """A request and the text only its own reply holds: claims with their own number (the engine reads each
    against the evidence afresh), and questions."""
    if n % 4 == 3:
        return f"How many Daesh militants are in Raqqa, according to source {n}?", "2,000 Daesh militants"
    return f"Airwars says {1000 + n} civilians were killed in coalition strikes in June.", f"{1000 + n} civilians"


@pytest.mark.slow
def test_four_worker_processes_answer_a_burst_of_one_hundred_mentions_once_each(
        start_bot: StartBot, slack_api: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTCHECK_SLACK_WORKER_KIND", "process")
    monkeypatch.setenv("FACTCHECK_SLACK_WORKERS", "4")
    monkeypatch.setenv("FACTCHECK_SLACK_QUEUE", "100")  # room for the whole burst: no request may be told "busy"
    monkeypatch.setenv("FACTCHECK_SLACK_RATE_LIMIT", "1000")
    started = time.monotonic()
    bot = start_bot()
    warm_ups = [bot.mention(f"Airwars says {n} civilians were killed in June.", channel="C0WARM")[1] for n in range(8)]
    for ts in warm_ups:  # the workers load their models at start; measure them warm, as a running bot is
        slack_api.final_reply("C0WARM", ts, timeout=240)
    warm_seconds = time.monotonic() - started
    slack_api.calls.clear()
    total, spread = 100, 10.0
    sent: dict[int, tuple[float, str]] = {}

    def mention(n: int) -> None:
        time.sleep(max(0.0, start + n * spread / total - time.monotonic()))
        at = time.monotonic()
        response, ts = bot.mention(_load_request(n)[0], user=f"U0LOAD{n % 20:02d}", channel=f"C0DESK{n % 5}")
        assert response.status == 200, response
        sent[n] = (at, ts)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as senders:
        list(senders.map(mention, range(total)))
    seconds_to_answer = []
    for n, (at, ts) in sorted(sent.items()):
        reply = slack_api.final_reply(f"C0DESK{n % 5}", ts, timeout=240)
        text = all_text(reply)
        assert _load_request(n)[1] in text and BUSY not in text and GENERIC_ERROR not in text, (n, text)
        update = next(c for c in slack_api.calls_to("chat.update") if c.data is reply)
        seconds_to_answer.append(update.at - at)
    time.sleep(0.5)
    placeholders = slack_api.calls_to("chat.postMessage")
    updates = slack_api.calls_to("chat.update")
    assert sorted(p.data["thread_ts"] for p in placeholders) == sorted(ts for _, ts in sent.values())
    assert sorted(u.data["ts"] for u in updates) == sorted(p.data["_ts"] for p in placeholders)  # once each
    cuts = statistics.quantiles(seconds_to_answer, n=20)
    print(f"\nload: {total} mentions over {spread:.0f} s, 4 worker processes: time to answer "
          f"p50 {statistics.median(seconds_to_answer):.2f} s, p95 {cuts[18]:.2f} s, "
          f"max {max(seconds_to_answer):.2f} s; all answered {time.monotonic() - start:.1f} s after the first "
          f"(the pool started and warmed up in {warm_seconds:.1f} s)")
