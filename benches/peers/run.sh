#!/usr/bin/env bash
# flopmarket against the tools a user would otherwise pick, on the same models, in one run:
#   M/M/1 queue (lambda 0.9/s, mu 1/s)       flopmarket engine  vs  SimPy
#   burn-mint token model with an AMM pool    flopmarket token   vs  radCAD
# plus simcore (a Rust DES) from criterion's last `cargo bench -- peers_mm1`, if present.
#
# Usage: benches/peers/run.sh [--quick]
# Needs python3 (with venv) and PyPI; the virtual environment lives in target/peers-venv.
# Prints a Markdown table of flopmarket / peer throughput ratios (best of 3 runs each).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=${PEERS_VENV:-$ROOT/target/peers-venv}
GATE=$ROOT/target/gate/release/flopmarket-gate
REPS=3
# Sizes: peers run long enough (about a second) for their timers; flopmarket runs more.
MM1_CUSTOMERS=200000; MM1_EVENTS=20000000
TOKEN_EPOCHS_PEER=5000; TOKEN_EPOCHS=1000000
if [[ "${1:-}" == "--quick" ]]; then
  REPS=1; MM1_CUSTOMERS=20000; MM1_EVENTS=2000000; TOKEN_EPOCHS_PEER=500; TOKEN_EPOCHS=100000
fi

if [[ ! -x $VENV/bin/python ]]; then
  echo "== creating $VENV" >&2
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check -r benches/peers/requirements.txt >&2
echo "== cargo build --release -p flopmarket-gate" >&2
# The same build as .ci/gate (one codegen unit, fat LTO), so both share target/gate.
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_LTO=fat \
  cargo build --release --quiet -p flopmarket-gate --target-dir "$ROOT/target/gate" >&2

# best JSON_FIELD CMD...: runs CMD $REPS times, prints the line with the highest FIELD.
best() {
  local field=$1; shift
  for _ in $(seq "$REPS"); do "$@"; done |
    "$VENV/bin/python" -c "import json,sys; rows=[json.loads(l) for l in sys.stdin if l.strip()]; print(json.dumps(max(rows, key=lambda r: r['$field'])))"
}

echo "== M/M/1: SimPy ($MM1_CUSTOMERS customers) and flopmarket ($MM1_EVENTS events)" >&2
simpy=$(best served_per_s "$VENV/bin/python" benches/peers/mm1_simpy.py "$MM1_CUSTOMERS")
ours_mm1=$(best per_s "$GATE" mm1 "$MM1_EVENTS" --time)
echo "== token: radCAD ($TOKEN_EPOCHS_PEER epochs) and flopmarket ($TOKEN_EPOCHS epochs)" >&2
radcad=$(best epochs_per_s "$VENV/bin/python" benches/peers/token_radcad.py "$TOKEN_EPOCHS_PEER")
ours_token=$(best per_s "$GATE" token "$TOKEN_EPOCHS" --time)
check_token=$("$GATE" token "$TOKEN_EPOCHS_PEER")

SIMPY=$simpy OURS_MM1=$ours_mm1 RADCAD=$radcad OURS_TOKEN=$ours_token CHECK=$check_token \
CRITERION=$ROOT/target/criterion "$VENV/bin/python" - <<'PY'
import json, os, platform, datetime, subprocess
j = lambda k: json.loads(os.environ[k])
simpy, ours_mm1, radcad, ours_tok, check = (j(k) for k in ("SIMPY", "OURS_MM1", "RADCAD", "OURS_TOKEN", "CHECK"))
ours_served_per_s = ours_mm1["served"] / ours_mm1["wall_s"]
rows = [
    ("M/M/1 queue", "customers served/s", ours_served_per_s, simpy["served_per_s"], simpy["peer"]),
    ("burn-mint token + AMM", "epochs/s", ours_tok["per_s"], radcad["epochs_per_s"], radcad["peer"]),
]
def simcore_row():
    est = lambda b: os.path.join(os.environ["CRITERION"], "peers_mm1", b, "new", "estimates.json")
    try:
        ns = {b: json.load(open(est(b)))["median"]["point_estimate"] for b in ("flopmarket", "simcore")}
    except (OSError, KeyError, ValueError):
        return None
    per_s = lambda b: 1_000_000 / (ns[b] * 1e-9)  # 1M events per iteration
    return ("M/M/1 queue (criterion)", "events/s", per_s("flopmarket"), per_s("simcore"), "simcore 0.1.0")
r = simcore_row()
if r:
    rows.append(r)
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"\nflopmarket vs peers, {datetime.date.today()}, {cpu}, {os.cpu_count()} cores, one thread each\n")
print("| model | unit | flopmarket | peer | peer rate | flopmarket / peer |")
print("|---|---|---:|---|---:|---:|")
for model, unit, ours, peer, name in rows:
    print(f"| {model} | {unit} | {ours:,.0f} | {name} | {peer:,.0f} | {(f'{ours / peer:,.1f}' if ours / peer < 100 else f'{ours / peer:,.0f}')}x |")
if not r:
    print("| M/M/1 queue (criterion) | events/s | - | simcore 0.1.0 | - | run `cargo bench --bench suite -- peers_mm1` first |")
same = abs(check["price"] - radcad["price"]) <= 1e-9 * radcad["price"] if check["units"] == radcad["epochs"] else None
print(f"\nSame model check: token price after {radcad['epochs']} epochs, flopmarket {check['price']:.12f}, "
      f"radCAD {radcad['price']:.12f}" + ("" if same is None else (" (agree)" if same else " (DIFFER)")))
print(f"M/M/1 mean time in system: SimPy {simpy['mean_time_in_system_s']:.2f} s (theory 1/(mu-lambda) = 10 s); "
      f"SimPy schedules {simpy['simpy_events'] / max(simpy['served'], 1):.1f} events per customer, flopmarket 2.")
PY
