#!/usr/bin/env bash
# The GPU calibration in one run, on a host with an NVIDIA GPU, the CUDA 13 libraries
# and PyTorch, and no Rust toolchain: the prebuilt `flopmarket-calibrate` (built with
# `--features cuda`, see kernels/README.md "On a GPU host") measures copy, the GEMM
# sweep (cuBLAS FP32, cuBLASLt TF32/BF16/FP16), the GPU-vs-CPU check and the 7B model's
# prefill and decode at every swept batch size; then torch_reference.py times
# torch.matmul at the same sizes and a GEMM-only decode step on the same GPU.
#
# usage: kernels/device/gpu-calibration.sh BINARY OUTDIR
# writes OUTDIR/{probe.csv,cuda.csv,torch.csv,calibrate.log,torch.log,nvidia-smi.txt,env.txt}
set -uo pipefail
bin=${1:?binary}; out=${2:?outdir}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
py=$(command -v python3)
# The CUDA 13 libraries: a toolkit's lib64 and the pip wheels' nvidia/cu13/lib.
libdirs=$("$py" - <<'PY'
import glob, os, site
dirs = set()
roots = site.getsitepackages() + ["/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"]
for r in roots:
    for pat in ("libcublasLt.so.13*", "libcublas.so.13*", "libnvrtc.so.13*", "nvidia/*/lib/libcublas*.so.13*", "nvidia/*/lib/libnvrtc*.so.13*", "nvidia/*/*/lib/libnvrtc*.so.13*"):
        for f in glob.glob(os.path.join(r, pat)):
            dirs.add(os.path.dirname(f))
print(":".join(sorted(dirs)))
PY
)
export LD_LIBRARY_PATH="${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
{
  date -u +%FT%TZ; uname -a; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  "$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0))'
  ls -l $(echo "$libdirs" | tr ':' ' ') 2>/dev/null | grep -E 'cublas|nvrtc' | head -20
} >"$out/env.txt" 2>&1
nvidia-smi -q >"$out/nvidia-smi.txt" 2>&1
echo "== probe: flopmarket-calibrate --quick (CUDA tiny model, seconds)" | tee "$out/calibrate.log"
"$bin" --device cuda --quick --shape tiny --batches 1,4 --out "$out/probe.csv" 2>&1 | tee -a "$out/calibrate.log"
if ! grep -q ',cuda,' "$out/probe.csv" 2>/dev/null; then
  echo "== no CUDA rows in the probe: the full calibration is not run" | tee -a "$out/calibrate.log"
  rc_cal=1
else
  echo "== flopmarket-calibrate (full)" | tee -a "$out/calibrate.log"
  start=$(date +%s)
  "$bin" --device cuda --out "$out/cuda.csv" 2>&1 | tee -a "$out/calibrate.log"
  rc_cal=${PIPESTATUS[0]}
fi
echo "== flopmarket-calibrate exit $rc_cal"
echo "== torch reference"
start=$(date +%s)
PYTHONUNBUFFERED=1 "$py" "$here/torch_reference.py" --out "$out/torch.csv" 2>&1 | tee "$out/torch.log"
rc_torch=${PIPESTATUS[0]}
echo "== torch exit $rc_torch after $(( $(date +%s) - start )) s"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.draw,temperature.gpu --format=csv >>"$out/env.txt" 2>&1
exit $(( rc_cal != 0 || rc_torch != 0 ))
