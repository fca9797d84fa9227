import statistics
import time
from collections.abc import Callable


def percentiles(action: Callable[[], object], runs: int, warmup: int = 3) -> tuple[float, float]:
    """p50 and p95 of the action's wall time, in milliseconds."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[
        min(len(samples) - 1, round(0.95 * len(samples)) - 1)
    ]


def quantile(samples: list[float], share: float) -> float:
    """The sample below which `share` of them lie (the nearest rank)."""
    ordered = sorted(samples) or [0.0]
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def table(title: str, rows: list[dict] | str) -> str:
    if isinstance(rows, str):  # why there are no figures
        return f"### {title}\n\n{rows}\n"
    lines = [f"### {title}", "", "| what | p50 ms | p95 ms | side by side |", "|---|---:|---:|---|"]
    for row in rows:
        lines.append(
            f"| {row['what']} | {row['p50']:.1f} | {row['p95']:.1f} | {row.get('ratio', '')} |"
        )
    return "\n".join(lines) + "\n"
