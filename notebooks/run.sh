#!/usr/bin/env bash
# Executes every notebook headless against a small run and a small sweep.
# Usage: notebooks/run.sh [FLOPMARKET_BIN]   (needs python with requirements.txt installed)
# The notebooks read FLOPMARKET_RUN (a run directory) and FLOPMARKET_SWEEP (a sweep
# directory) from the environment; this script makes both in target/notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-target/debug/flopmarket}"
WORK="target/notebooks"
rm -rf "$WORK"
mkdir -p "$WORK/executed"
"$BIN" run akash --quiet --set scenario.duration=14d --out "$WORK/run"
cat > "$WORK/sweep.toml" <<'TOML'
[sweep]
name = "notebook-sweep"
base = "akash"
set = ["scenario.duration=14d"]
design = "grid"
replicates = 2
seed = 3
keep = ["summary", "epochs", "providers"]

[[axes]]
name = "markup_max"
path = "providers.2.pricing.markup.max"
values = [1.0, 3.0]
TOML
"$BIN" sweep "$WORK/sweep.toml" --quiet --threads 2 --out "$WORK/sweep"
export FLOPMARKET_RUN="$PWD/$WORK/run" FLOPMARKET_SWEEP="$PWD/$WORK/sweep" MPLBACKEND=Agg
for nb in notebooks/*.ipynb; do
  echo "== $nb"
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir "$WORK/executed" "$nb"
done
