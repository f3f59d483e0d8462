#!/usr/bin/env bash
# Executes every notebook headless against a small run and a small sweep, through the
# flopmarket Python package (`pip install ./python`).
# Usage: notebooks/run.sh   (needs python with the package and requirements.txt installed)
# The notebooks read FLOPMARKET_DURATION (the simulated length), FLOPMARKET_OUT (where 01
# writes its run's files) and FLOPMARKET_SWEEP (the sweep directory 02 and 03 share);
# this script points them into target/notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="target/notebooks"
rm -rf "$WORK"
mkdir -p "$WORK/executed"
export FLOPMARKET_DURATION=14d FLOPMARKET_OUT="$PWD/$WORK/run" \
  FLOPMARKET_SWEEP="$PWD/$WORK/sweep" MPLBACKEND=Agg
for nb in notebooks/*.ipynb; do
  echo "== $nb"
  jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
    --output-dir "$WORK/executed" "$nb"
done
