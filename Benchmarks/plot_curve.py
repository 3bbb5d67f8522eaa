"""Draws the curves of scripts/bench-curve: p50 and p99 of a turn against sessions in the store and
against turns in the session, for the store and for bare SQLite, on log axes."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullFormatter  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
for ax, axis, label in ((axes[0], "sessions", "sessions in the store"), (axes[1], "depth", "turns in the session")):
    for target, colour in (("store", "tab:blue"), ("bare SQLite", "tab:gray")):
        points = [r for r in rows if r["axis"] == axis and r["target"] == target]
        sizes = [int(r["size"]) for r in points]
        name = "AgentState (SQLite)" if target == "store" else "bare SQLite, same SQL"
        ax.plot(sizes, [float(r["p50_ms"]) for r in points], "o-", color=colour, label=f"{name} p50")
        ax.plot(sizes, [float(r["p99_ms"]) for r in points], "o--", color=colour, alpha=0.6, label=f"{name} p99")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(FixedLocator([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel(label)
    ax.set_ylabel("latency of a turn (ms)")
    ax.grid(True, which="both", alpha=0.3)
axes[0].set_title("A turn as the store grows")
axes[1].set_title("A turn as the conversation grows")
axes[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
