#!/usr/bin/env bash
# Downloads the large GPU cluster job traces (CC BY 4.0) into scenarios/data/traces/downloads/
# (ignored by git) and converts each to the trace format a workload replays:
#
#   philly.csv            submit_time (UTC-less timestamp as published), gpus, gpu_hours
#   helios-venus.csv      submit_time (timestamp), gpus, gpu_hours
#   alibaba-gpu-2020.csv  start_s (seconds from the trace's start), gpus, gpu_hours
#
# gpu_hours is each job's run time in hours (per GPU), i.e. the size on the cluster's own
# GPUs; set the workload's reference GPU accordingly or rescale. Jobs without GPUs, times
# or with more than 64 GPUs are left out (counted on stderr). Use, e.g.:
#
#   [workloads.arrivals.trace]
#   file = "data/traces/downloads/helios-venus.csv"
#   time_column = "submit_time"
#   gpus_column = "gpus"
#   size_column = "gpu_hours"
#
# Not run by CI (about 1 GB to download). Needs curl, tar and python3. URLs can be
# overridden with PHILLY_URL, HELIOS_URL, ALIBABA_URL. Sources and licences (as recorded
# in shared/reference/market-data.md from the repositories' LICENSE files; check them
# again before redistributing anything converted here):
#   Philly   https://github.com/msr-fiddle/philly-traces (CC BY 4.0; cite Jeon et al., ATC'19)
#   Helios   https://github.com/S-Lab-System-Group/HeliosData, Venus cluster (CC BY 4.0;
#            cite Hu et al., SC'21). Only Venus is public.
#   Alibaba  https://github.com/alibaba/clusterdata, cluster-trace-gpu-v2020 (CC BY 4.0;
#            cite Weng et al., NSDI'22). Alibaba's 2023 and later traces carry no licence
#            grant: this script does not fetch them.
# Usage: scenarios/data/traces/fetch-cluster-traces.sh [philly|helios|alibaba ...]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/downloads"
mkdir -p "$out"
PHILLY_URL="${PHILLY_URL:-https://media.githubusercontent.com/media/msr-fiddle/philly-traces/master/trace-data.tar.gz}"
HELIOS_URL="${HELIOS_URL:-https://media.githubusercontent.com/media/S-Lab-System-Group/HeliosData/main/data/Venus/cluster_log.csv}"
ALIBABA_URL="${ALIBABA_URL:-https://aliopentrace.oss-cn-beijing.aliyuncs.com/v2020GPUTraces/pai_task_table.tar.gz}"

fetch() { # url file
    if [ ! -s "$out/$2" ]; then
        echo "downloading $1" >&2
        curl -fL --retry 3 -o "$out/$2.part" "$1"
        mv "$out/$2.part" "$out/$2"
    fi
}

philly() {
    fetch "$PHILLY_URL" philly-trace-data.tar.gz
    tar -xzf "$out/philly-trace-data.tar.gz" -C "$out"
    local log
    log="$(find "$out" -name 'cluster_job_log*' | head -n 1)"
    python3 - "$log" "$out/philly.csv" <<'EOF'
import json, sys, datetime as dt
fmt = "%Y-%m-%d %H:%M:%S"
jobs = json.load(open(sys.argv[1]))
kept = skipped = 0
with open(sys.argv[2], "w") as f:
    f.write("submit_time,gpus,gpu_hours\n")
    for j in jobs:
        try:
            attempts = [a for a in j["attempts"] if a.get("start_time") and a.get("end_time")]
            gpus = sum(len(d["gpus"]) for d in attempts[-1]["detail"])
            secs = sum((dt.datetime.strptime(a["end_time"], fmt) - dt.datetime.strptime(a["start_time"], fmt)).total_seconds() for a in attempts)
            assert j["submitted_time"] and 1 <= gpus <= 64 and secs >= 0
        except (AssertionError, IndexError, KeyError, TypeError, ValueError):
            skipped += 1
            continue
        f.write(f"{j['submitted_time']},{gpus},{secs / 3600:.6f}\n")
        kept += 1
print(f"philly: {kept} jobs kept, {skipped} left out", file=sys.stderr)
EOF
}

helios() {
    fetch "$HELIOS_URL" helios-venus-cluster_log.csv
    python3 - "$out/helios-venus-cluster_log.csv" "$out/helios-venus.csv" <<'EOF'
import csv, sys
kept = skipped = 0
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w") as f:
    f.write("submit_time,gpus,gpu_hours\n")
    for r in csv.DictReader(src):
        try:
            gpus, secs = int(r["gpu_num"]), float(r["duration"])
            assert r["submit_time"] and 1 <= gpus <= 64 and secs >= 0
        except (AssertionError, KeyError, ValueError):
            skipped += 1
            continue
        f.write(f"{r['submit_time']},{gpus},{secs / 3600:.6f}\n")
        kept += 1
print(f"helios: {kept} GPU jobs kept, {skipped} left out", file=sys.stderr)
EOF
}

alibaba() {
    fetch "$ALIBABA_URL" pai_task_table.tar.gz
    tar -xzf "$out/pai_task_table.tar.gz" -C "$out"
    python3 - "$out/pai_task_table.csv" "$out/alibaba-gpu-2020.csv" <<'EOF'
import csv, math, sys
cols = "job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,plan_mem,plan_gpu,gpu_type".split(",")
kept = skipped = 0
with open(sys.argv[1], newline="") as src, open(sys.argv[2], "w") as f:
    f.write("start_s,gpus,gpu_hours\n")
    for r in csv.reader(src):
        r = dict(zip(cols, r))
        try:
            start, end = float(r["start_time"]), float(r["end_time"])
            gpus = math.ceil(float(r["inst_num"]) * float(r["plan_gpu"]) / 100)
            assert 1 <= gpus <= 64 and end >= start >= 0
        except (AssertionError, KeyError, ValueError):
            skipped += 1
            continue
        f.write(f"{start:.0f},{gpus},{(end - start) / 3600:.6f}\n")
        kept += 1
print(f"alibaba: {kept} GPU tasks kept, {skipped} left out", file=sys.stderr)
EOF
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(philly helios alibaba)
for t in "${targets[@]}"; do
    case "$t" in
        philly | helios | alibaba) "$t" ;;
        *) echo "unknown trace $t; expected philly, helios or alibaba" >&2; exit 2 ;;
    esac
done
