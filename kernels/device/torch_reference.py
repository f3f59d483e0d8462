"""torch.matmul beside flopmarket-calibrate's cuBLAS/cuBLASLt GEMMs, and a GEMM-only
decode step beside its transformer decode, on the same GPU in the same run.

Writes rows in the calibration table's schema (kernels/src/table.rs) so the two
tables can be read and compared with the same code. These rows are a reference:
they live in kernels/calibrations/reference/, which the simulator does not embed.

GEMM: square n x n x n for n in 1024..8192, A = B = one matrix uniform in [-1, 1)
(the binary uploads one host matrix as both operands too), the same timing plan as
kernels/src/cuda/gemm.rs: 3 warm-up calls, then 10 CUDA-event-timed batches of
`inner = clamp((4096 / n)^3, 1, 64)` calls; median per call. fp32 is true FP32
(`allow_tf32 = False`), tf32 is fp32 storage with TF32 tensor cores, bf16 and fp16
use fp32 accumulation (torch's default for these dtypes on cuBLAS).

Decode reference: one Llama-2-7B decode step as its matrix products only (per layer
x@Wq, x@Wk, x@Wv, x@Wo, x@Wgate, x@Wup, h@Wdown; then the 32000-row head), bf16,
weights random, for each batch size, captured in a CUDA graph (so launch latency is
not measured) and replayed; median of 50 replays after 5. No attention, norms or
KV cache: a lower bound on a real step's time, i.e. an upper bound on tokens/s.
"""

import argparse
import csv
import datetime
import statistics
import sys

import torch

COLUMNS = [
    "device", "device_kind", "gpu_model", "driver_version", "runtime_version", "kernel",
    "dtype", "shape", "batch", "value", "unit", "spec_peak", "efficiency",
    "roofline_fraction", "timestamp", "notes",
]

# Datasheet peaks (dense) of the GPUs this script has been run on, as in
# kernels/src/gpu_specs.rs: TFLOP/s for fp32, tf32, bf16, fp16 and GB/s.
SPECS = {
    "H200-SXM": {"f32": 67.0, "tf32": 494.7, "bf16": 989.0, "f16": 989.0, "bw": 4800.0},
    "H100-SXM": {"f32": 67.0, "tf32": 494.7, "bf16": 989.0, "f16": 989.0, "bw": 3350.0},
}


def sig4(x):
    return float(f"{x:.4g}")


def gpu_model(name):
    if "H200" in name:
        return "H200-SXM"
    if "H100" in name and "PCIe" not in name:
        return "H100-SXM"
    return ""


def event_time(fn, warmup, reps, inner):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        samples.append(start.elapsed_time(end) / 1e3 / inner)
    return statistics.median(samples)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="1024,2048,4096,8192")
    ap.add_argument("--batches", default="1,2,4,8,16,32,64,128,256")
    args = ap.parse_args()

    dev = torch.cuda.get_device_name(0)
    model = gpu_model(dev)
    spec = SPECS.get(model)
    drv = torch.version.cuda or ""
    runtime = f"torch {torch.__version__}; cuBLAS {torch.backends.cuda.preferred_blas_library()}"
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    rows = []

    def row(kernel, dtype, shape, batch, value, unit, peak, roof, notes):
        eff = sig4(value / peak) if peak else ""
        rows.append({
            "device": dev, "device_kind": "cuda", "gpu_model": model,
            "driver_version": drv, "runtime_version": runtime, "kernel": kernel,
            "dtype": dtype, "shape": shape, "batch": batch, "value": sig4(value),
            "unit": unit, "spec_peak": sig4(peak) if peak else "", "efficiency": eff,
            "roofline_fraction": sig4(roof) if roof else "", "timestamp": stamp,
            "notes": notes,
        })

    # --- GEMM ---------------------------------------------------------------
    for n in [int(s) for s in args.sizes.split(",")]:
        g = torch.Generator(device="cuda").manual_seed(n)
        base = torch.rand((n, n), device="cuda", dtype=torch.float32, generator=g) * 2 - 1
        inner = max(1, min(64, (4096 // n) ** 3))
        for dtype, tdt, tf32 in [("f32", torch.float32, False), ("tf32", torch.float32, True),
                                 ("bf16", torch.bfloat16, False), ("f16", torch.float16, False)]:
            torch.backends.cuda.matmul.allow_tf32 = tf32
            a = base.to(tdt)
            out = torch.empty_like(a)
            secs = event_time(lambda: torch.matmul(a, a, out=out), 3, 10, inner)
            tflops = 2 * n**3 / secs / 1e12
            peak = spec[dtype] if spec else None
            roof = None
            if spec:
                intensity = 2 * n**3 / (3 * n * n * a.element_size())
                roof = tflops / min(peak, intensity * spec["bw"] / 1e3)
            print(f"[torch] gemm {dtype} {n}^3: {tflops:.1f} TFLOP/s", file=sys.stderr, flush=True)
            row("gemm", dtype, f"{n}x{n}x{n}", 1, tflops, "TFLOP/s", peak, roof,
                f"torch.matmul(out=); allow_tf32={tf32}; event-timed median of 10 x {inner} after 3 warm-up")
            del a, out
        torch.backends.cuda.matmul.allow_tf32 = False
        del base
        torch.cuda.empty_cache()

    # --- GEMM-only decode step (Llama-2-7B shapes) ---------------------------
    dim, hidden, layers, vocab = 4096, 11008, 32, 32000
    dt = torch.bfloat16
    g = torch.Generator(device="cuda").manual_seed(7)

    def w(k, n):
        return (torch.rand((k, n), device="cuda", dtype=dt, generator=g) - 0.5) * (2 / k**0.5)

    weights = [[w(dim, dim), w(dim, dim), w(dim, dim), w(dim, dim), w(dim, hidden),
                w(dim, hidden), w(hidden, dim)] for _ in range(layers)]
    head = w(dim, vocab)
    wbytes = sum(t.numel() * t.element_size() for l in weights for t in l) + head.numel() * 2
    for b in [int(s) for s in args.batches.split(",")]:
        x = torch.rand((b, dim), device="cuda", dtype=dt, generator=g) - 0.5

        def step():
            h = x
            for q, k, v, o, gate, up, down in weights:
                a = h @ q
                _ = h @ k
                _ = h @ v
                h2 = a @ o
                m = (h2 @ gate) * (h2 @ up)
                h = m @ down
            return h @ head

        how = "CUDA graph replay"
        try:
            s = torch.cuda.Stream()
            s.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(s):
                for _ in range(3):
                    step()
            torch.cuda.current_stream().wait_stream(s)
            graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(graph):
                step()
            fn = graph.replay
        except Exception as e:  # graphs unavailable: eager, launch latency included
            how = f"eager (graph capture failed: {type(e).__name__})"
            fn = step
        secs = event_time(fn, 5, 50, 1)
        tps = b / secs
        gbs = wbytes / secs / 1e9
        peak = b * spec["bw"] * 1e9 / wbytes if spec else None
        print(f"[torch] decode-gemms 7b bf16 B={b}: {tps:.0f} tokens/s, {gbs:.0f} GB/s", file=sys.stderr, flush=True)
        row("decode", "bf16", "7b-gemms", b, tps, "tokens/s", peak, None,
            f"matrix products of one Llama-2-7B decode step only (no attention, norms, KV cache); "
            f"{wbytes/1e9:.2f} GB of weights read per step, {gbs:.0f} GB/s achieved; {how}; "
            f"median of 50 after 5")
        del x
    with open(args.out, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
