//! The transformer on the GPU: GEMMs through cuBLAS (column-major view of the CPU's
//! row-major `[in, out]` weights), everything else through the NVRTC kernels. Same
//! math and layouts as [`crate::cpu::CpuTransformer`], which it is checked against.

use cudarc::cublas::CudaBlas;
use cudarc::driver::sys::{CUgraphInstantiate_flags, CUstreamCaptureMode};
use cudarc::driver::{CudaEvent, CudaGraph, CudaSlice, CudaStream};
use std::sync::Arc;

use super::kernels::Kernels;
use super::state::{State, StepEvents, gemm, norm};
use super::{GpuDevice, GpuDtype, cu};
use crate::KernelsError;
use crate::cpu::{Logits, Weights};
use crate::model::TransformerConfig;

/// Weights of one layer on the device (norm weights stay f32).
#[derive(Debug)]
struct GpuLayer<T> {
    attn_norm: CudaSlice<f32>,
    wq: CudaSlice<T>,
    wk: CudaSlice<T>,
    wv: CudaSlice<T>,
    wo: CudaSlice<T>,
    ffn_norm: CudaSlice<f32>,
    w_gate: CudaSlice<T>,
    w_up: CudaSlice<T>,
    w_down: CudaSlice<T>,
}

/// A decoder-only transformer in storage type `T` on one GPU.
#[derive(Debug)]
pub struct GpuTransformer<'g, T: GpuDtype> {
    gpu: &'g GpuDevice,
    stream: Arc<CudaStream>,
    cfg: TransformerConfig,
    kernels: Kernels<T>,
    emb: CudaSlice<T>,
    layers: Vec<GpuLayer<T>>,
    final_norm: CudaSlice<f32>,
    output: CudaSlice<T>,
    st: State<T>,
    pos: usize,
}

impl<'g, T: GpuDtype> GpuTransformer<'g, T> {
    /// Uploads host weights (converted to `T`); room for `batch` sequences of up to
    /// `max_seq` tokens and steps of up to `max_rows` rows (batch x tokens).
    pub fn from_weights(
        gpu: &'g GpuDevice,
        cfg: &TransformerConfig,
        w: &Weights,
        (batch, max_seq, max_rows): (usize, usize, usize),
    ) -> Result<Self, KernelsError> {
        cfg.validate()?;
        let s = &gpu.stream;
        let up = |v: &[f32]| {
            let host: Vec<T> = v.iter().map(|&x| T::from_f32(x)).collect();
            s.clone_htod(&host).map_err(cu("cuMemcpyHtoD weights"))
        };
        let up32 = |v: &[f32]| s.clone_htod(v).map_err(cu("cuMemcpyHtoD norms"));
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for lw in &w.layers {
            layers.push(GpuLayer {
                attn_norm: up32(&lw.attn_norm)?,
                wq: up(&lw.wq)?,
                wk: up(&lw.wk)?,
                wv: up(&lw.wv)?,
                wo: up(&lw.wo)?,
                ffn_norm: up32(&lw.ffn_norm)?,
                w_gate: up(&lw.w_gate)?,
                w_up: up(&lw.w_up)?,
                w_down: up(&lw.w_down)?,
            });
        }
        let (emb, final_norm, output) = (up(&w.embedding)?, up32(&w.final_norm)?, up(&w.output)?);
        let kernels = Kernels::load(gpu, &gpu.module()?)?;
        let st = State::new(gpu, cfg, batch, max_seq, max_rows)?;
        Ok(Self::assemble(
            gpu, cfg, kernels, emb, layers, final_norm, output, st,
        ))
    }

    /// Random weights generated on the device (uniform, same ranges as
    /// [`Weights::random`] but a different stream of values): no host copy, so the
    /// 7B model loads in seconds.
    pub fn random(
        gpu: &'g GpuDevice,
        cfg: &TransformerConfig,
        seed: u64,
        (batch, max_seq, max_rows): (usize, usize, usize),
    ) -> Result<Self, KernelsError> {
        cfg.validate()?;
        let elem = std::mem::size_of::<T>();
        let needed =
            cfg.instantiated_params() * elem + State::<T>::bytes(cfg, batch, max_seq, max_rows);
        let free = gpu.free_mem_bytes()?;
        if needed + (512 << 20) > free {
            return Err(KernelsError::OutOfMemory {
                what: format!("{} in {} on {}", cfg.name, T::DTYPE.as_str(), gpu.name),
                needed_bytes: needed as u64,
                available_bytes: free as u64,
            });
        }
        let kernels = Kernels::<T>::load(gpu, &gpu.module()?)?;
        let (d, kv, f) = (cfg.dim, cfg.kv_dim(), cfg.ffn_dim);
        let (sd, sf) = (1.0 / (d as f32).sqrt(), 1.0 / (f as f32).sqrt());
        let mut id = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut mat = |len: usize, scale: f32| -> Result<CudaSlice<T>, KernelsError> {
            id = id.wrapping_add(1);
            let mut m = gpu
                .stream
                .alloc_zeros::<T>(len)
                .map_err(cu("cuMemAlloc weights"))?;
            kernels.init_uniform(&mut m, id, -scale, scale)?;
            Ok(m)
        };
        let emb = mat(cfg.vocab * d, 1.0)?;
        let mut layers = Vec::with_capacity(cfg.n_layers);
        for _ in 0..cfg.n_layers {
            layers.push(GpuLayer {
                attn_norm: norm(gpu, &kernels, d, seed)?,
                wq: mat(d * d, sd)?,
                wk: mat(d * kv, sd)?,
                wv: mat(d * kv, sd)?,
                wo: mat(d * d, sd)?,
                ffn_norm: norm(gpu, &kernels, d, seed ^ 1)?,
                w_gate: mat(d * f, sd)?,
                w_up: mat(d * f, sd)?,
                w_down: mat(f * d, sf)?,
            });
        }
        let output = mat(d * cfg.vocab, sd)?;
        let final_norm = norm(gpu, &kernels, d, seed ^ 2)?;
        let st = State::new(gpu, cfg, batch, max_seq, max_rows)?;
        Ok(Self::assemble(
            gpu, cfg, kernels, emb, layers, final_norm, output, st,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        gpu: &'g GpuDevice,
        cfg: &TransformerConfig,
        kernels: Kernels<T>,
        emb: CudaSlice<T>,
        layers: Vec<GpuLayer<T>>,
        final_norm: CudaSlice<f32>,
        output: CudaSlice<T>,
        st: State<T>,
    ) -> Self {
        GpuTransformer {
            gpu,
            stream: gpu.stream.clone(),
            cfg: cfg.clone(),
            kernels,
            emb,
            layers,
            final_norm,
            output,
            st,
            pos: 0,
        }
    }

    /// Replaces the cache and activations for a new batch size (and empties the cache).
    pub fn resize(
        &mut self,
        batch: usize,
        max_seq: usize,
        max_rows: usize,
    ) -> Result<(), KernelsError> {
        self.stream
            .synchronize()
            .map_err(cu("cuStreamSynchronize"))?;
        // Free the old buffers before allocating the new ones.
        self.st.k_cache.clear();
        self.st.v_cache.clear();
        self.st = State::new(self.gpu, &self.cfg, batch, max_seq, max_rows)?;
        self.pos = 0;
        Ok(())
    }

    /// Empties the cache.
    pub fn reset(&mut self) {
        self.pos = 0;
    }

    /// Moves the next token's position back to `pos` (never forward): later steps
    /// overwrite the cache from there.
    pub fn rewind(&mut self, pos: usize) {
        self.pos = self.pos.min(pos);
    }

    /// Records `steps` one-token decode steps of `batch` sequences (step `i` reads tokens
    /// `i x batch ..` of `tokens`) into one CUDA graph without running them, as a serving
    /// engine does to save the launches; the position advances as if they ran. Each
    /// replay of the graph repeats the same positions.
    pub fn capture_decode(
        &mut self,
        tokens: &CudaSlice<i32>,
        batch: usize,
        steps: usize,
    ) -> Result<CudaGraph, KernelsError> {
        if steps * batch > tokens.len() {
            return Err(KernelsError::InvalidConfig(
                "decode graph: fewer tokens than steps x batch".into(),
            ));
        }
        let stream = self.stream.clone();
        stream.synchronize().map_err(cu("cuStreamSynchronize"))?;
        stream
            .begin_capture(CUstreamCaptureMode::CU_STREAM_CAPTURE_MODE_RELAXED)
            .map_err(cu("cuStreamBeginCapture"))?;
        let mut enqueued = Ok(0);
        for i in 0..steps {
            enqueued = self.enqueue(Tokens::Device(tokens, i * batch, batch), Logits::Last, None);
            if enqueued.is_err() {
                break;
            }
        }
        // End the capture whatever happened, so the stream is usable again.
        let graph = stream.end_capture(CUgraphInstantiate_flags(0));
        enqueued?;
        graph
            .map_err(cu("cuStreamEndCapture / cuGraphInstantiate"))?
            .ok_or_else(|| KernelsError::Cuda {
                op: "cuStreamEndCapture".into(),
                detail: "no graph was captured".into(),
            })
    }

    /// Runs a step and copies its logits to the host as f32 (see
    /// [`CpuTransformer::forward`](crate::cpu::CpuTransformer::forward)).
    pub fn forward(&mut self, tokens: &[u32], logits: Logits) -> Result<Vec<f32>, KernelsError> {
        let n = self.enqueue(Tokens::Host(tokens), logits, None)?;
        let view = self.st.logits.slice(0..n * self.cfg.vocab);
        let host: Vec<T> = self
            .stream
            .clone_dtoh(&view)
            .map_err(cu("cuMemcpyDtoH logits"))?;
        self.gpu
            .ctx
            .check_err()
            .map_err(cu("deferred CUDA error"))?;
        Ok(host.into_iter().map(T::to_f32).collect())
    }

    /// Copies `tokens` to the device once (validated against the vocabulary), for
    /// [`timed_step`](Self::timed_step) calls that must not wait on the host.
    pub fn upload_tokens(&self, tokens: &[u32]) -> Result<CudaSlice<i32>, KernelsError> {
        if let Some(t) = tokens.iter().find(|&&t| t as usize >= self.cfg.vocab) {
            return Err(KernelsError::InvalidConfig(format!(
                "token {t} outside the vocabulary"
            )));
        }
        let toks: Vec<i32> = tokens.iter().map(|&t| t as i32).collect();
        self.stream
            .clone_htod(&toks)
            .map_err(cu("cuMemcpyHtoD tokens"))
    }

    /// Enqueues a step over `count` device tokens starting at `offset` of `tokens`,
    /// recorded between the events of `ev`; nothing waits for the device.
    pub fn timed_step(
        &mut self,
        tokens: &CudaSlice<i32>,
        (offset, count): (usize, usize),
        logits: Logits,
        ev: &StepEvents,
    ) -> Result<(), KernelsError> {
        if offset + count > tokens.len() {
            return Err(KernelsError::InvalidConfig(
                "token range outside the uploaded tokens".into(),
            ));
        }
        self.enqueue(Tokens::Device(tokens, offset, count), logits, Some(ev))?;
        Ok(())
    }

    /// Enqueues one forward step; returns the number of logit rows written.
    fn enqueue(
        &mut self,
        src: Tokens<'_>,
        logits: Logits,
        ev: Option<&StepEvents>,
    ) -> Result<usize, KernelsError> {
        let rows = match src {
            Tokens::Host(t) => t.len(),
            Tokens::Device(_, _, n) => n,
        };
        let len = self.st.check(rows, self.pos)?;
        let (c, pos, blas) = (&self.cfg, self.pos, &self.gpu.blas);
        let d = c.dim;
        let (k, st) = (&self.kernels, &mut self.st);
        match src {
            Tokens::Host(tokens) => {
                if let Some(t) = tokens.iter().find(|&&t| t as usize >= c.vocab) {
                    return Err(KernelsError::InvalidConfig(format!(
                        "token {t} outside the vocabulary of {}",
                        c.vocab
                    )));
                }
                let toks: Vec<i32> = tokens.iter().map(|&t| t as i32).collect();
                self.stream
                    .memcpy_htod(&toks, &mut st.tokens)
                    .map_err(cu("cuMemcpyHtoD tokens"))?;
            }
            Tokens::Device(buf, offset, n) => {
                let from = buf.slice(offset..offset + n);
                let mut to = st.tokens.slice_mut(0..n);
                self.stream
                    .memcpy_dtod(&from, &mut to)
                    .map_err(cu("cuMemcpyDtoD tokens"))?;
            }
        }
        let record = |e: &CudaEvent| e.record(&self.stream).map_err(cu("cuEventRecord"));
        if let Some(ev) = ev {
            record(&ev.start)?;
        }
        k.embed(&mut st.x, &self.emb, &st.tokens, rows, d)?;
        let geo = (rows, len, pos, st.max_seq);
        for (l, lw) in self.layers.iter().enumerate() {
            layer(k, blas, st, lw, l, c, geo)?;
        }
        if let Some(ev) = ev {
            record(&ev.layers)?;
        }
        self.pos += len;
        k.rmsnorm(&mut st.xn, &st.x, &self.final_norm, rows, d, c.norm_eps)?;
        let n = match logits {
            Logits::All => {
                gemm(
                    blas,
                    &mut st.logits,
                    &st.xn,
                    &self.output,
                    (rows, d, c.vocab),
                    d,
                    false,
                )?;
                rows
            }
            Logits::Last => {
                let last = st.xn.slice((len - 1) * d..);
                gemm(
                    blas,
                    &mut st.logits,
                    &last,
                    &self.output,
                    (st.batch, d, c.vocab),
                    len * d,
                    false,
                )?;
                st.batch
            }
        };
        if let Some(ev) = ev {
            record(&ev.end)?;
        }
        Ok(n)
    }
}

/// One decoder layer of a step over `rows` token rows (`geo` = rows, tokens per sequence,
/// position, max sequence): attention with the layer's KV cache, then the SwiGLU FFN,
/// each added to the residual stream `st.x`.
fn layer<T: GpuDtype>(
    k: &Kernels<T>,
    blas: &CudaBlas,
    st: &mut State<T>,
    lw: &GpuLayer<T>,
    l: usize,
    c: &TransformerConfig,
    geo: (usize, usize, usize, usize),
) -> Result<(), KernelsError> {
    let (rows, len, pos, _) = geo;
    let (d, kvd, f) = (c.dim, c.kv_dim(), c.ffn_dim);
    k.rmsnorm(&mut st.xn, &st.x, &lw.attn_norm, rows, d, c.norm_eps)?;
    gemm(blas, &mut st.q, &st.xn, &lw.wq, (rows, d, d), d, false)?;
    gemm(blas, &mut st.k, &st.xn, &lw.wk, (rows, d, kvd), d, false)?;
    gemm(blas, &mut st.v, &st.xn, &lw.wv, (rows, d, kvd), d, false)?;
    k.rope(
        &mut st.q,
        rows,
        len,
        pos,
        c.n_heads,
        c.head_dim(),
        d,
        c.rope_theta,
    )?;
    k.rope(
        &mut st.k,
        rows,
        len,
        pos,
        c.n_kv_heads,
        c.head_dim(),
        kvd,
        c.rope_theta,
    )?;
    let (kc, vc) = (&mut st.k_cache[l], &mut st.v_cache[l]);
    k.kv_store(kc, vc, &st.k, &st.v, rows, len, pos, st.max_seq, kvd)?;
    let heads = (c.n_heads, c.n_kv_heads, c.head_dim());
    k.attention(
        &mut st.att,
        &st.q,
        &st.k_cache[l],
        &st.v_cache[l],
        geo,
        heads,
    )?;
    gemm(blas, &mut st.x, &st.att, &lw.wo, (rows, d, d), d, true)?;
    k.rmsnorm(&mut st.xn, &st.x, &lw.ffn_norm, rows, d, c.norm_eps)?;
    gemm(blas, &mut st.g, &st.xn, &lw.w_gate, (rows, d, f), d, false)?;
    gemm(blas, &mut st.u, &st.xn, &lw.w_up, (rows, d, f), d, false)?;
    k.silu_mul(&mut st.g, &st.u, rows * f)?;
    gemm(blas, &mut st.x, &st.g, &lw.w_down, (rows, f, d), f, true)?;
    Ok(())
}

/// Where a step's tokens come from.
#[derive(Clone, Copy)]
enum Tokens<'a> {
    /// Host tokens, copied (synchronously for pageable memory) before the step.
    Host(&'a [u32]),
    /// `count` tokens at `offset` of a device buffer made by `upload_tokens`.
    Device(&'a CudaSlice<i32>, usize, usize),
}
