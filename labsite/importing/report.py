"""What an import did: per page created / updated / unchanged / conflicts / warnings, and totals.

The loader fills these dataclasses; :func:`render_report` turns them into the lines the command
prints. A dry run fills them the same way, so its report is the real one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

ACTIONS = ("created", "updated", "unchanged")


@dataclass
class RecordLine:
    action: str  # one of ACTIONS, or "conflict"
    model: str  # "publication", "news", …
    label: str

    def __str__(self) -> str:
        return f"{self.action:9} {self.model:12} {self.label}"


@dataclass
class PageReport:
    source: str  # "site/_pages/about.md"
    records: list[RecordLine] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Records the import was unsure of, flagged "needs review" for the owner (review.py).
    unsure: list[str] = field(default_factory=list)
    error: str = ""  # "file:line: message" when the page was rolled back

    def add(self, action: str, model: str, label: str) -> None:
        self.records.append(RecordLine(action, model, label[:120]))

    def counts(self) -> Counter[str]:
        if self.error:
            return Counter()
        return Counter(line.action for line in self.records)


@dataclass
class SiteReport:
    root: str
    owner: str = ""
    dry_run: bool = False
    pages: list[PageReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # input errors and failed pages, one line each

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for page in self.pages:
            total.update(page.counts())
            total["conflicts"] += len(page.conflicts)
            total["warnings"] += len(page.warnings)
        total["errors"] = len(self.errors)
        return total

    def model_counts(self, action: str = "created") -> Counter[str]:
        """``{"publication": 12, …}`` for one action over the pages that imported."""
        return Counter(
            line.model
            for page in self.pages
            if not page.error
            for line in page.records
            if line.action == action
        )


def _summary(counts: Counter[str]) -> str:
    parts = [f"{counts.get(action, 0)} {action}" for action in ACTIONS]
    parts.append(f"{counts.get('conflicts', 0)} conflicts")
    parts.append(f"{counts.get('warnings', 0)} warnings")
    return ", ".join(parts)


def render_report(reports: list[SiteReport], *, verbosity: int = 1) -> list[str]:
    """The lines to print: one per page (more with ``verbosity >= 2``), then totals.

    Verbosity 0 prints only the totals; 1 adds a line per page and every conflict and warning;
    2 lists each record with its action.
    """
    lines: list[str] = []
    grand: Counter[str] = Counter()
    for report in reports:
        grand.update(report.totals())
        if verbosity >= 1:
            owner = f" (owner: {report.owner})" if report.owner else ""
            lines.append(f"{report.root}{owner}")
        for page in report.pages:
            if verbosity >= 1:
                counts = page.counts()
                counts["conflicts"] = len(page.conflicts)
                counts["warnings"] = len(page.warnings)
                status = "FAILED, rolled back" if page.error else _summary(counts)
                lines.append(f"  {page.source}: {status}")
                if verbosity >= 2:
                    lines.extend(f"    {line}" for line in page.records)
                lines.extend(f"    conflict: {text}" for text in page.conflicts)
                lines.extend(f"    warning: {text}" for text in page.warnings)
                if not page.error:
                    lines.extend(f"    needs review: {text}" for text in page.unsure)
    unsure = sum(len(p.unsure) for r in reports for p in r.pages if not p.error)
    if unsure:
        lines.append(
            f"Needs review: {unsure} entr{'y' if unsure == 1 else 'ies'} the import was unsure of "
            '(the admin\'s "Needs review" filter lists them)'
        )
    prefix = (
        "Dry run, nothing written. Would have: " if reports and reports[0].dry_run else "Total: "
    )
    lines.append(prefix + _summary(grand) + f", {grand.get('errors', 0)} errors")
    return lines
