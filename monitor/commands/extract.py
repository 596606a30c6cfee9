"""``frontwatch extract``: control-change events from one article, or from a JSON-lines batch.

    frontwatch extract article.txt --published 2015-04-26          # human-readable
    frontwatch extract https://example.org/story --json             # JSON list (the event contract)
    cat story.txt | frontwatch extract - --published 2015-04-26 --json
    frontwatch extract --jsonl backfill.jsonl > events.jsonl        # {"id","text","published"} per line in,
                                                                    # {"id","events":[...]} per line out

Exit codes: 0 ok, 2 bad input (unreadable file, bad date, bad JSON line — reported on stderr with
its line number; the other lines are still processed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

import typer

from monitor.commands.common import ConfigOption, load_settings
from monitor.records import Event, Source


def extract(
    source: Optional[str] = typer.Argument(None, help="Article: a file PATH, a URL, or - for standard input."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date, YYYY-MM-DD."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Batch: a JSON-lines file ({id, text, published}), "
                                                               "or - for standard input."),
    as_json: bool = typer.Option(False, "--json", help="JSON output, for scripts."),
    config: Optional[Path] = ConfigOption,
) -> None:
    """Extract control-change events (who took which place, from whom, when, how sure).

    The config's own actor files (``actors:``) extend the catalogue, as they do for the monitor."""
    load_settings(config)
    if jsonl is not None:
        if source is not None:
            _fail("give either an article or --jsonl INPUT, not both")
        raise typer.Exit(_batch(jsonl))
    if source is None:
        _fail("give an article (PATH, URL or -) or --jsonl INPUT")
    pub = _parse_date(published, "--published") if published else None
    text, title, page_date, url = _read_article(source)
    pub = pub or page_date
    if pub is None:
        _fail("--published YYYY-MM-DD is needed to date the events (the article carries no date)")
    from monitor.extract.pipeline import EventExtractor

    events = EventExtractor.default().extract(
        text, published=pub, title=title, source=Source(outlet=_outlet(url), url=url, title=title) if url else None
    )
    if as_json:
        typer.echo(json.dumps([e.to_json() for e in events], ensure_ascii=False, indent=2))
    else:
        typer.echo(render(events))


def render(events: list[Event]) -> str:
    """Events as short human-readable blocks."""
    if not events:
        return "no control changes found"
    blocks = []
    for e in events:
        loc = e.location
        where = ", ".join(x for x in (loc.name, loc.admin1, loc.country) if x)
        ident = f" [geonames:{loc.geonameid}]" if loc.geonameid else ""
        who = e.actor.name if e.actor else "unknown"
        if e.actor and e.actor.associates:
            who += f" (with {', '.join(e.actor.associates)})"
        prev = f" from {e.previous.name}" if e.previous else ""
        when = f"{e.date.isoformat() if e.date else '?'} ({e.date_precision})"
        lines = [f"{e.timing:<10} {when:<19} {where}{ident}",
                 f"           {who} took it{prev}",
                 f"           {e.subtype}, {e.certainty}, confidence {e.confidence:.2f}"]
        lines += [f"           > {s}" for s in e.evidence]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# --- input ----------------------------------------------------------------------------------------
def _fail(message: str) -> None:
    typer.echo(f"frontwatch extract: {message}", err=True)
    raise typer.Exit(2)


def _parse_date(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except (ValueError, AttributeError):
        _fail(f"{what}: {value!r} is not a date (YYYY-MM-DD)")
        raise  # unreachable


def _read_article(source: str) -> tuple[str, str, date | None, str | None]:
    """(text, title, page date, url) of the article named on the command line."""
    from monitor.clean import clean_text, extract_page

    if source.startswith(("http://", "https://")):
        html = _download(source)
        page = extract_page(html, url=source)
        return page.text, page.title, page.published.date() if page.published else None, source
    if source == "-":
        raw = sys.stdin.read()
    else:
        path = Path(source)
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"cannot read {source}: {exc}")
    if not raw.strip():
        _fail(f"{source}: the article is empty")
    return clean_text(raw), "", None, None


def _download(url: str) -> str:
    from monitor.config import PollConfig
    from monitor.http import FetchError, fetch, open_session

    async def get() -> str:
        poll = PollConfig()
        async with open_session(poll) as session:
            resp = await fetch(session, url, poll)
        if not resp.ok:
            raise FetchError("network", f"HTTP {resp.status}")
        return resp.text()

    try:
        return asyncio.run(get())
    except FetchError as exc:
        _fail(f"cannot fetch {url}: {exc}")
        raise  # unreachable


def _outlet(url: str | None) -> str:
    from urllib.parse import urlparse

    return (urlparse(url).hostname or "").removeprefix("www.") if url else ""


# --- batch ------------------------------------------------------------------------------------------
def _batch(path: Path) -> int:
    """One output line per input line; bad lines reported (stderr + an "error" line), never dropped."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from monitor.extract.pipeline import EventExtractor

    try:
        lines = sys.stdin.read().splitlines() if str(path) == "-" else path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"cannot read {path}: {exc}")
    extractor = EventExtractor.default()
    bad = 0
    progress = Progress(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=True)
    with progress:
        task = progress.add_task("extract", total=len(lines))
        for number, item, error in _items(lines):
            if error is not None:
                bad += 1
                typer.echo(f"frontwatch extract: {path}:{number}: {error}", err=True)
                out = {"id": item.get("id") if item else None, "line": number, "error": error, "events": []}
            else:
                events = extractor.extract(item["text"], published=item["published"], title=item.get("title", ""))
                out = {"id": item["id"], "events": [e.to_json() for e in events]}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
            progress.advance(task)
    sys.stdout.flush()
    return 2 if bad else 0


def _items(lines: list[str]) -> Iterator[tuple[int, dict | None, str | None]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not JSON ({exc.msg})"
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            yield number, item if isinstance(item, dict) else None, 'needs an object with a "text" string'
            continue
        try:
            pub = date.fromisoformat(str(item["published"])[:10]) if item.get("published") else None
        except ValueError:
            yield number, item, f'"published": {item["published"]!r} is not a date (YYYY-MM-DD)'
            continue
        yield number, {**item, "id": item.get("id", number), "published": pub}, None
