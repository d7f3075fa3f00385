"""Lighthouse (from the npm registry, run in Debian's Chromium) on the home page,
a Jam page and the current campaign's page as `make serve` serves them, with
the mobile profile (its default: a mid-range phone on a slow 4G network). Run with
`make audit`; it prints the four scores of each page (target 95+) and the
requests that left the site, and keeps the reports in .tmp/audit/."""

import json
import subprocess
import sys
from pathlib import Path

from served import ROOT, served

STATE = ROOT / ".tmp" / "audit"
PORT, REDIS_PORT, PG_PORT = 8021, 6392, 54342
NODE = ROOT / "node_modules" / ".bin" / "node"  # Node 22, which Lighthouse 13 needs (package.json)
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGET = 95


def lighthouse(url, report: Path, attempts=2) -> dict:
    """One report; a run whose trace Lighthouse could not record (it says so and
    asks to be run again: NO_NAVSTART) is run once more."""
    command = [
        str(NODE), str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
        "--chrome-path=/usr/bin/chromium", f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]  # fmt: skip
    for attempt in range(attempts):
        if subprocess.run(command).returncode == 0:
            return json.loads(report.read_text())
        print(f"Lighthouse failed on {url} (attempt {attempt + 1} of {attempts}).", file=sys.stderr)
    raise SystemExit(f"Lighthouse could not audit {url}.")


def main():
    base = f"http://127.0.0.1:{PORT}"
    with served(STATE, port=PORT, redis_port=REDIS_PORT, pg_port=PG_PORT) as fixtures:
        pages = {"home page": "/en/", "Jam page": fixtures["jam_paths"][0], "campaign page": fixtures["campaign_path"]}
        results = {
            name: lighthouse(base + path, STATE / f"{name.split()[0].lower()}.json") for name, path in pages.items()
        }
    below = 0
    print("\n| page | performance | accessibility | best practices | SEO | requests elsewhere |")
    print("|---|---:|---:|---:|---:|---|")
    for name, result in results.items():
        scores = [round(result["categories"][c]["score"] * 100) for c in CATEGORIES]
        below += sum(score < TARGET for score in scores)
        requests = result["audits"]["network-requests"]["details"]["items"]
        elsewhere = sorted(
            {r["url"].split("/")[2] for r in requests if r["url"].startswith("http") and not r["url"].startswith(base)}
        )
        print(f"| {name} | {' | '.join(map(str, scores))} | {', '.join(elsewhere) or 'none'} |")
    for name, result in results.items():
        failing = [
            f"{audit['title']} ({audit['score']})"
            for audit in result["audits"].values()
            if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
        ]
        if failing:
            print(f"\n{name}, failing audits: " + "; ".join(failing))
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
