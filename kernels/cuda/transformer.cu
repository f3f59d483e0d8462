// Non-GEMM kernels of the flopmarket transformer (the GEMMs go through cuBLAS).
// Compiled at run time by NVRTC from the string embedded in the Rust crate.
//
// No header is included, so no CUDA toolkit is needed on the host: f16 and bf16 are
// carried as raw 16-bit words and converted with PTX `cvt` (f16) or bit operations
// (bf16). All arithmetic is f32. Reductions use shared memory and __syncthreads only;
// every block size used with them is a power of two (the host launches 128 or 256).
//
// Layouts (row-major): activations [rows][width], rows ordered [sequence][token];
// KV cache [sequence][position][kv_dim]. Each kernel is stamped out for float, f16
// and bf16 with the suffixes _f32, _f16 and _bf16.

typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

struct f16_t { u16 bits; };
struct bf16_t { u16 bits; };

__device__ __forceinline__ float to_f32(float x) { return x; }
__device__ __forceinline__ float to_f32(f16_t x) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(x.bits));
    return f;
}
__device__ __forceinline__ float to_f32(bf16_t x) {
    union { u32 u; float f; } c;
    c.u = ((u32)x.bits) << 16;
    return c.f;
}

template <typename T> __device__ __forceinline__ T from_f32(float x);
template <> __device__ __forceinline__ float from_f32<float>(float x) { return x; }
template <> __device__ __forceinline__ f16_t from_f32<f16_t>(float x) {
    f16_t r;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(r.bits) : "f"(x));
    return r;
}
template <> __device__ __forceinline__ bf16_t from_f32<bf16_t>(float x) {
    union { float f; u32 u; } c;
    c.f = x;
    bf16_t r;
    if ((c.u & 0x7fffffffu) > 0x7f800000u) { r.bits = 0x7fc0; return r; }  // NaN
    c.u += 0x7fffu + ((c.u >> 16) & 1u);  // round to nearest even
    r.bits = (u16)(c.u >> 16);
    return r;
}

// Sum / max over the block; `red` holds blockDim.x floats; blockDim.x a power of two.
__device__ float block_sum(float v, float* red) {
    red[threadIdx.x] = v;
    __syncthreads();
    for (u32 s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) red[threadIdx.x] += red[threadIdx.x + s];
        __syncthreads();
    }
    float r = red[0];
    __syncthreads();
    return r;
}

__device__ float block_max(float v, float* red) {
    red[threadIdx.x] = v;
    __syncthreads();
    for (u32 s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) red[threadIdx.x] = fmaxf(red[threadIdx.x], red[threadIdx.x + s]);
        __syncthreads();
    }
    float r = red[0];
    __syncthreads();
    return r;
}

// x[r] = emb[tokens[r]]; grid = rows.
template <typename T>
__device__ void embed_impl(T* x, const T* emb, const int* tokens, int dim) {
    u64 r = blockIdx.x;
    u64 tok = (u64)tokens[r];
    for (int i = threadIdx.x; i < dim; i += blockDim.x) x[r * dim + i] = emb[tok * dim + i];
}

// out[r] = x[r] / sqrt(mean(x[r]^2) + eps) * w; grid = rows, block = 256.
template <typename T>
__device__ void rmsnorm_impl(T* out, const T* x, const float* w, int dim, float eps, float* red) {
    u64 base = (u64)blockIdx.x * dim;
    float ss = 0.0f;
    for (int i = threadIdx.x; i < dim; i += blockDim.x) {
        float v = to_f32(x[base + i]);
        ss += v * v;
    }
    ss = block_sum(ss, red);
    float inv = 1.0f / sqrtf(ss / (float)dim + eps);
    for (int i = threadIdx.x; i < dim; i += blockDim.x)
        out[base + i] = from_f32<T>(to_f32(x[base + i]) * inv * w[i]);
}

// Rotates pairs (2i, 2i+1) of each head of each row by pos * theta^(-2i/head_dim),
// pos = pos0 + (row % len); one thread per pair. Angles in double, like the CPU.
template <typename T>
__device__ void rope_impl(T* x, int rows, int len, int pos0, int n_heads, int head_dim,
                          int row_stride, float theta) {
    int half = head_dim / 2;
    u64 idx = (u64)blockIdx.x * blockDim.x + threadIdx.x;
    u64 total = (u64)rows * n_heads * half;
    if (idx >= total) return;
    int i = (int)(idx % half);
    u64 rh = idx / half;
    int h = (int)(rh % n_heads);
    int r = (int)(rh / n_heads);
    int pos = pos0 + r % len;
    double freq = pow((double)theta, -2.0 * (double)i / (double)head_dim);
    double ang = (double)pos * freq;
    float c = (float)cos(ang);
    float s = (float)sin(ang);
    T* p = x + (u64)r * row_stride + (u64)h * head_dim + 2 * i;
    float a = to_f32(p[0]);
    float b = to_f32(p[1]);
    p[0] = from_f32<T>(a * c - b * s);
    p[1] = from_f32<T>(a * s + b * c);
}

// Appends the new rows' keys and values to the cache; one thread per element.
template <typename T>
__device__ void kv_store_impl(T* kc, T* vc, const T* k, const T* v, int rows, int len, int pos0,
                              int max_seq, int kv_dim) {
    u64 idx = (u64)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= (u64)rows * kv_dim) return;
    u64 r = idx / kv_dim;
    u64 i = idx % kv_dim;
    u64 b = r / len;
    u64 t = r % len;
    u64 dst = (b * max_seq + pos0 + t) * kv_dim + i;
    kc[dst] = k[idx];
    vc[dst] = v[idx];
}

// Causal attention of one query row and head over the cache; grid = (n_heads, rows),
// block = 128, dynamic shared memory = (head_dim + max_seq + blockDim.x) floats.
template <typename T>
__device__ void attention_impl(T* out, const T* q, const T* kc, const T* vc, int len, int pos0,
                               int max_seq, int n_heads, int n_kv_heads, int head_dim,
                               float scale, float* smem) {
    int h = blockIdx.x;
    int r = blockIdx.y;
    int b = r / len;
    int t = r % len;
    int ctx = pos0 + t + 1;
    int dim = n_heads * head_dim;
    int kv_dim = n_kv_heads * head_dim;
    int kvh = h / (n_heads / n_kv_heads);
    float* qs = smem;
    float* sc = qs + head_dim;
    float* red = sc + max_seq;

    const T* qr = q + (u64)r * dim + (u64)h * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) qs[d] = to_f32(qr[d]);
    __syncthreads();

    // Scores: one warp per cached position, its lanes over the head's dimensions (so a
    // warp reads one K row in contiguous words), then a shuffle reduction. blockDim.x
    // is a multiple of 32.
    const T* kb = kc + (u64)b * max_seq * kv_dim + (u64)kvh * head_dim;
    int lane = threadIdx.x & 31;
    int n_warps = blockDim.x >> 5;
    for (int j = threadIdx.x >> 5; j < ctx; j += n_warps) {
        const T* kr = kb + (u64)j * kv_dim;
        float s = 0.0f;
        for (int d = lane; d < head_dim; d += 32) s += qs[d] * to_f32(kr[d]);
        for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
        if (lane == 0) sc[j] = s * scale;
    }
    __syncthreads();

    float m = -3.402823466e38f;
    for (int j = threadIdx.x; j < ctx; j += blockDim.x) m = fmaxf(m, sc[j]);
    m = block_max(m, red);
    float sum = 0.0f;
    for (int j = threadIdx.x; j < ctx; j += blockDim.x) {
        float e = expf(sc[j] - m);
        sc[j] = e;
        sum += e;
    }
    sum = block_sum(sum, red);  // its barriers also publish sc[]
    float inv = 1.0f / sum;

    const T* vb = vc + (u64)b * max_seq * kv_dim + (u64)kvh * head_dim;
    T* orow = out + (u64)r * dim + (u64)h * head_dim;
    for (int d = threadIdx.x; d < head_dim; d += blockDim.x) {
        float acc = 0.0f;
        for (int j = 0; j < ctx; j++) acc += sc[j] * inv * to_f32(vb[(u64)j * kv_dim + d]);
        orow[d] = from_f32<T>(acc);
    }
}

// gate = silu(gate) * up, element-wise.
template <typename T>
__device__ void silu_mul_impl(T* gate, const T* up, u64 n) {
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (u64)gridDim.x * blockDim.x) {
        float g = to_f32(gate[i]);
        gate[i] = from_f32<T>(g / (1.0f + expf(-g)) * to_f32(up[i]));
    }
}

__device__ __forceinline__ u64 splitmix64(u64 z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// out[i] uniform in [lo, hi) from a counter-based hash of (seed, i).
template <typename T>
__device__ void init_uniform_impl(T* out, u64 n, u64 seed, float lo, float hi) {
    for (u64 i = (u64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (u64)gridDim.x * blockDim.x) {
        u64 z = splitmix64(seed ^ (i * 0xD2B74407B1CE6E93ull));
        float u = (float)(z >> 40) * (1.0f / 16777216.0f);
        out[i] = from_f32<T>(lo + (hi - lo) * u);
    }
}

#define FLOPMARKET_KERNELS(T, S)                                                              \
    extern "C" __global__ void embed_##S(T* x, const T* emb, const int* tokens, int dim) {     \
        embed_impl<T>(x, emb, tokens, dim);                                                   \
    }                                                                                         \
    extern "C" __global__ void rmsnorm_##S(T* out, const T* x, const float* w, int dim,        \
                                           float eps) {                                       \
        __shared__ float red[256];                                                            \
        rmsnorm_impl<T>(out, x, w, dim, eps, red);                                            \
    }                                                                                         \
    extern "C" __global__ void rope_##S(T* x, int rows, int len, int pos0, int n_heads,        \
                                        int head_dim, int row_stride, float theta) {          \
        rope_impl<T>(x, rows, len, pos0, n_heads, head_dim, row_stride, theta);               \
    }                                                                                         \
    extern "C" __global__ void kv_store_##S(T* kc, T* vc, const T* k, const T* v, int rows,    \
                                            int len, int pos0, int max_seq, int kv_dim) {     \
        kv_store_impl<T>(kc, vc, k, v, rows, len, pos0, max_seq, kv_dim);                     \
    }                                                                                         \
    extern "C" __global__ void attention_##S(T* out, const T* q, const T* kc, const T* vc,     \
                                             int len, int pos0, int max_seq, int n_heads,     \
                                             int n_kv_heads, int head_dim, float scale) {     \
        extern __shared__ float smem[];                                                       \
        attention_impl<T>(out, q, kc, vc, len, pos0, max_seq, n_heads, n_kv_heads, head_dim,  \
                          scale, smem);                                                       \
    }                                                                                         \
    extern "C" __global__ void silu_mul_##S(T* gate, const T* up, u64 n) {                     \
        silu_mul_impl<T>(gate, up, n);                                                        \
    }                                                                                         \
    extern "C" __global__ void init_uniform_##S(T* out, u64 n, u64 seed, float lo, float hi) { \
        init_uniform_impl<T>(out, n, seed, lo, hi);                                           \
    }

FLOPMARKET_KERNELS(float, f32)
FLOPMARKET_KERNELS(f16_t, f16)
FLOPMARKET_KERNELS(bf16_t, bf16)
