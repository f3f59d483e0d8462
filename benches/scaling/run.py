"""Scaling study: cost of a simulated year of the default scenario (akash) as providers
grow 1k -> 100k (demand fixed), as jobs grow 100k -> 10M (providers scaled with demand,
so utilization stays put), and as the whole network grows with `--scale k` (supply,
entry caps and demand together) from k = 1 to a million GPUs, with peak memory from
/usr/bin/time -v.

Usage: python3 benches/scaling/run.py [--quick] [--cli] [--network-only] [--hugepages]
By default each point runs `flopmarket-gate run akash --set ...` (the simulator alone,
records dropped: build it with .ci/gate or benches/peers/run.sh); with --cli it runs
`target/release/flopmarket run akash --set ... --quiet --out TMP` (Polars outputs
included; `cargo build --release` first). Writes benches/scaling/scaling.csv and, when
matplotlib is importable (`pip install -r benches/scaling/requirements.txt`),
benches/scaling.svg and benches/scaling.png. Prints a Markdown table.

Each point also records the process's user CPU time (`cpu_ns_per_event` in the network
series): on a shared machine, time waiting for a core inflates the wall time, not it.
--hugepages runs every point with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc 2.35+:
the heap asks for transparent huge pages, fewer TLB misses on records touched at
random; the kernel's transparent_hugepage must be "madvise" or "always").
"""

import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "flopmarket")
GATE = os.path.join(ROOT, "target", "gate", "release", "flopmarket-gate")
CLI = "--cli" in sys.argv
ENV = dict(os.environ, GLIBC_TUNABLES="glibc.malloc.hugetlb=1") if "--hugepages" in sys.argv \
    else None
HERE = os.path.join(ROOT, "benches", "scaling")

with open(os.path.join(ROOT, "scenarios", "akash.toml"), "rb") as f:
    AKASH = tomllib.load(f)
COUNTS = [p["count"] for p in AKASH["providers"]]
RATES = [w["arrivals"]["rate_per_hour"] for w in AKASH["workloads"]]
BASE_PROVIDERS = sum(COUNTS)


def provider_sets(total):
    return [f"providers.{i}.count={max(1, round(c * total / BASE_PROVIDERS))}"
            for i, c in enumerate(COUNTS)]


def rate_sets(factor):
    return [f"workloads.{i}.arrivals.rate_per_hour={r * factor:.6g}" for i, r in enumerate(RATES)]


def timed(cmd):
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=ENV)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{p.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    user_s = float(re.search(r"User time \(seconds\): (\S+)", p.stderr).group(1))
    return p.stdout, rss_kb, sum(v * 60 ** i for i, v in enumerate(reversed(parts))), user_s


def run_scaled(k):
    """A simulated year of `akash --scale k` (the gate's `akash-scaled k 365`)."""
    stdout, rss_kb, process_s, user_s = timed([GATE, "akash-scaled", str(k), "365", "--time"])
    s = json.loads(stdout.strip().splitlines()[-1])
    s["events"] = s["units"]
    return {"scale": k, "gpus": s["gpus"], **row(s, rss_kb, process_s),
            "cpu_ns_per_event": round(1e9 * user_s / s["events"], 1)}


# --scale factors of the network series; the last makes a network of about a million GPUs
# (the default year ends with about 1,900 GPUs per unit of k at scale).
NETWORK_SCALES = [1, 3, 10, 30, 50, 100, 527]
NETWORK_COLS = ["scale", "gpus", "providers", "jobs", "events", "sim_wall_s",
                "process_wall_s", "events_per_s", "ns_per_event", "peak_rss_mb",
                "utilization", "jobs_in_flight", "cpu_ns_per_event"]


def network(quick):
    rows = []
    for k in ([1, 10] if quick else NETWORK_SCALES):
        r = run_scaled(k)
        rows.append(r)
        print(f"scale {k}: {r}", file=sys.stderr, flush=True)
    with open(os.path.join(HERE, "network.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=NETWORK_COLS)
        w.writeheader()
        w.writerows(rows)
    base = rows[0]["ns_per_event"]
    print("| --scale k | GPUs | providers | jobs | events | sim wall [s] | events/s | "
          "ns/event | vs k=1 | CPU ns/event | peak RSS [MB] | utilization |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['scale']} | {r['gpus']:,} | {r['providers']:,} | {r['jobs']:,} | "
              f"{r['events']:,} | {r['sim_wall_s']:.2f} | {r['events_per_s'] / 1e6:.2f}M | "
              f"{r['ns_per_event']} | {r['ns_per_event'] / base:.2f}x | {r['cpu_ns_per_event']} | "
              f"{r['peak_rss_mb']:,.0f} | {r['utilization']:.2f} |")
    return rows


def run(sets):
    if CLI:
        out = tempfile.mkdtemp(prefix="scaling-")
        cmd = [BIN, "run", "akash", "--quiet", "--out", out]
        for s in sets:
            cmd += ["--set", s]
        _, rss_kb, process_s, _ = timed(cmd)
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        subprocess.run(["rm", "-rf", out])
        s["jobs"] = s["jobs_submitted"]
    else:
        stdout, rss_kb, process_s, _ = timed([GATE, "run", "akash"] + sets + ["--time"])
        s = json.loads(stdout.strip().splitlines()[-1])
        s["events"] = s["units"]
    return row(s, rss_kb, process_s)


def row(s, rss_kb, process_s):
    """One point of a series: a run's figures (`s`), its peak RSS and process time."""
    return {
        "providers": s["providers"], "jobs": s["jobs"], "events": s["events"],
        "sim_wall_s": round(s["wall_s"], 3), "process_wall_s": round(process_s, 2),
        "events_per_s": round(s["events"] / s["wall_s"]),
        "ns_per_event": round(1e9 * s["wall_s"] / s["events"], 1),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "utilization": round(s["utilization"], 3), "jobs_in_flight": s["jobs_in_flight"],
    }


def main():
    if "--plot-only" in sys.argv:
        with open(os.path.join(HERE, "scaling.csv")) as f:
            rows = [{k: (v if k == "series" else float(v)) for k, v in r.items()}
                    for r in csv.DictReader(f)]
        plot(rows)
        with open(os.path.join(HERE, "network.csv")) as f:
            plot_network([{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)])
        return
    quick = "--quick" in sys.argv
    net = network(quick)
    if "--network-only" in sys.argv:
        plot_network(net)
        return
    rows = []
    providers = [1_000, 10_000] if quick else [1_000, 3_000, 10_000, 30_000, 100_000]
    for n in providers:
        r = run(provider_sets(n))
        r["series"] = "providers (demand fixed)"
        rows.append(r)
        print(f"providers {n}: {r}", file=sys.stderr, flush=True)
    # Jobs: scale arrivals and providers by the same factor (default ~ 680k jobs/year).
    default = run([])
    per_factor = default["jobs"]
    jobs = [100_000, 1_000_000] if quick else [100_000, 300_000, 1_000_000, 3_000_000, 10_000_000]
    for j in jobs:
        f = j / per_factor
        r = run(rate_sets(f) + provider_sets(max(20, round(BASE_PROVIDERS * f))))
        r["series"] = "jobs (providers scaled with demand)"
        rows.append(r)
        print(f"jobs {j}: {r}", file=sys.stderr, flush=True)
    cols = ["series", "providers", "jobs", "events", "sim_wall_s", "process_wall_s",
            "events_per_s", "ns_per_event", "peak_rss_mb", "utilization", "jobs_in_flight"]
    with open(os.path.join(HERE, "scaling.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)
    print("| series | providers | jobs | events | sim wall [s] | process wall [s] | "
          "ns/event | peak RSS [MB] | utilization |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['series']} | {r['providers']:,} | {r['jobs']:,} | {r['events']:,} | "
              f"{r['sim_wall_s']:.2f} | {r['process_wall_s']:.2f} | {r['ns_per_event']} | "
              f"{r['peak_rss_mb']:,.0f} | {r['utilization']:.2f} |")
    plot(rows)
    plot_network(net)


def pyplot():
    """matplotlib.pyplot on the Agg backend, or None (and a note) when not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not importable: no chart)", file=sys.stderr)
        return None
    return plt


def save(fig, axes, name):
    """Grids the axes and writes benches/NAME.svg and .png."""
    for ax in axes:
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "benches", f"{name}.svg"))
    fig.savefig(os.path.join(ROOT, "benches", f"{name}.png"), dpi=110)


def plot(rows):
    plt = pyplot()
    if plt is None:
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for series, marker in (("providers (demand fixed)", "o"),
                           ("jobs (providers scaled with demand)", "s")):
        rs = [r for r in rows if r["series"] == series]
        ev = [r["events"] for r in rs]
        a.loglog(ev, [r["sim_wall_s"] for r in rs], marker=marker, label=series)
        b.loglog(ev, [r["peak_rss_mb"] for r in rs], marker=marker, label=series)
    lo = min(r["events"] for r in rows)
    hi = max(r["events"] for r in rows)
    ref = min(r["sim_wall_s"] / r["events"] for r in rows)
    a.loglog([lo, hi], [lo * ref, hi * ref], "k:", label="linear in events")
    a.set_xlabel("events in the simulated year")
    a.set_ylabel("simulation wall time [s]")
    a.set_title("Wall time vs events (dotted: exactly linear)")
    a.legend(fontsize=8)
    b.set_xlabel("events in the simulated year")
    b.set_ylabel("peak resident memory [MB]")
    b.set_title("Peak resident memory (whole process, log scale)")
    b.axhline(2048, color="r", ls="--", lw=1, label="2 GB target")
    b.legend(fontsize=8)
    save(fig, (a, b), "scaling")


def plot_network(rows):
    plt = pyplot()
    if plt is None:
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    gpus = [r["gpus"] for r in rows]
    a.semilogx(gpus, [r["ns_per_event"] for r in rows], marker="o", label="ns per event")
    a.axhline(1.5 * rows[0]["ns_per_event"], color="r", ls="--", lw=1,
              label="1.5x the k = 1 figure")
    a.set_ylim(bottom=0)
    a.set_xlabel("GPUs in the network (akash --scale k)")
    a.set_ylabel("simulation cost [ns per event]")
    a.set_title("Cost per event as the network grows")
    a.legend(fontsize=8)
    b.loglog(gpus, [r["peak_rss_mb"] for r in rows], marker="s", label="peak RSS")
    b.axhline(4096, color="r", ls="--", lw=1, label="4 GB target")
    b.set_xlabel("GPUs in the network (akash --scale k)")
    b.set_ylabel("peak resident memory [MB]")
    b.set_title("Peak resident memory (whole process)")
    b.legend(fontsize=8)
    save(fig, (a, b), "network")


if __name__ == "__main__":
    main()
