//! Calibration kernels on the CPU: a square f32 GEMM through the kernels crate [FLOP/s]
//! and transformer decode steps of a small Llama-shaped model [tokens/s]. The CUDA
//! kernels are measured by `flopmarket calibrate --device cuda` on a GPU host; they are
//! not in this suite (the root package has no `cuda` feature, and CI has no GPU).

use criterion::{BenchmarkId, Criterion, Throughput};
use flopmarket_kernels::cpu::gemm::{matmul, random_matrix};
use flopmarket_kernels::cpu::{CpuTransformer, Logits};
use flopmarket_kernels::model::TransformerConfig;

pub fn bench(c: &mut Criterion) {
    gemm(c);
    decode(c);
}

fn gemm(c: &mut Criterion) {
    let mut group = c.benchmark_group("kernels_cpu_gemm_f32");
    group.sample_size(10);
    for n in [256usize, 512] {
        let a: Vec<f32> = random_matrix(n * n, 1);
        let b: Vec<f32> = random_matrix(n * n, 2);
        let mut out = vec![0.0f32; n * n];
        group.throughput(Throughput::Elements(2 * (n * n * n) as u64));
        group.bench_with_input(BenchmarkId::new("flop", n), &n, |bench, &n| {
            bench.iter(|| matmul(&mut out, &a, &b, (n, n, n), false, 0));
        });
    }
    group.finish();
}

/// Decode: one new token per sequence per step, batch 1, logits of the last token.
fn decode(c: &mut Criterion) {
    let cfg = TransformerConfig {
        name: "bench-small".into(),
        dim: 512,
        n_layers: 4,
        layers_full: 4,
        n_heads: 8,
        n_kv_heads: 8,
        ffn_dim: 1408,
        vocab: 8_000,
        norm_eps: 1e-5,
        rope_theta: 10_000.0,
    };
    let max_seq = 256;
    let mut model = CpuTransformer::random(&cfg, 1, 1, max_seq, 0).expect("a small model");
    let mut group = c.benchmark_group("kernels_cpu_decode");
    group.throughput(Throughput::Elements(1));
    group.sample_size(20);
    group.bench_function("tokens_dim512_4layers", |b| {
        b.iter(|| {
            if model.position() + 1 >= max_seq {
                model.reset();
            }
            model.forward(&[7], Logits::Last).expect("a decode step")
        });
    });
    group.finish();
}
