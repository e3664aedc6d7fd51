// Float32 pointwise, depthwise 3x3 and separable-unit convolutions: see include/mien_fconv.h.
//
// Each path is built from two pieces: a pointwise convolution over `positions`
// columns with row strides of its own for input and output, and one output row
// of a depthwise 3x3 convolution from three input rows (NULL for a row of zeros
// outside the plane). The whole-plane functions and the fused unit only order
// those pieces differently, so every combination gives the same bits.
#include "mien_fconv.h"
#include "mien_fconv_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

int mien_fconv_has_avx512(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int mien_fconv_has_avx2(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

mien_fconv_path mien_fconv_best_path(void) {
    // Worked out once; threads that race to it all store the same value.
    static int best = 0;
    int known = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (known) return (mien_fconv_path)known;
    int path = mien_fconv_has_avx512() ? MIEN_FCONV_AVX512 : mien_fconv_has_avx2() ? MIEN_FCONV_AVX2 : MIEN_FCONV_PORTABLE;
    // MIEN_FLOAT_KERNELS=avx2 or portable: a slower path than the CPU's best, to time
    // what a machine without AVX-512 (or AVX2) runs. Never a path the CPU lacks.
    const char *asked = getenv("MIEN_FLOAT_KERNELS");
    if (asked && strcmp(asked, "portable") == 0) path = MIEN_FCONV_PORTABLE;
    if (asked && strcmp(asked, "avx2") == 0 && path == MIEN_FCONV_AVX512) path = MIEN_FCONV_AVX2;
    __atomic_store_n(&best, path, __ATOMIC_RELAXED);
    return (mien_fconv_path)path;
}

mien_fconv_path mien_fconv_resolve(mien_fconv_path path) {
    if (path == MIEN_FCONV_AUTO) return mien_fconv_best_path();
    // A path the CPU lacks falls back to the portable one (same bits), never a fault.
    if (path == MIEN_FCONV_AVX512 && !mien_fconv_has_avx512()) return MIEN_FCONV_PORTABLE;
    if (path == MIEN_FCONV_AVX2 && !mien_fconv_has_avx2()) return MIEN_FCONV_PORTABLE;
    return path;
}

// MARK: - Portable (the reference)

/// ReLU as the vector paths' max(s, 0) computes it: s where s > 0, else +0
/// (so -0 and NaN become +0 on every path).
static inline float relu_like_maxps(float s) { return s > 0.0f ? s : 0.0f; }

static void pointwise_portable(const float *w, const float *bias, int m, int k, const float *x, long ldx,
                               float *y, long ldy, long positions, int relu) {
    for (int o = 0; o < m; o++) {
        for (long p = 0; p < positions; p++) {
            float s = bias[o];
            for (int i = 0; i < k; i++) s = fmaf(w[(long)o * k + i], x[(long)i * ldx + p], s);
            y[(long)o * ldy + p] = relu ? relu_like_maxps(s) : s;
        }
    }
}

static void depthwise_row_portable(const float *const rows[3], int w, const float *t, float bias, float *out, int relu) {
    for (int col = 0; col < w; col++) {
        float s = bias;
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 3; kx++) {
                int ix = col + kx - 1;
                float v = rows[ky] && ix >= 0 && ix < w ? rows[ky][ix] : 0.0f;
                s = fmaf(t[ky * 3 + kx], v, s);
            }
        }
        out[col] = relu ? relu_like_maxps(s) : s;
    }
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))

// MARK: - AVX-512

#define AVX512_TARGET __attribute__((target("avx512f,fma")))

/// `rows` output channels (1 ... 8) x 32 positions from p (masks for a short last block).
static inline __attribute__((always_inline)) AVX512_TARGET
void pointwise_block512(const float *w, const float *bias, int o, int rows, int k, const float *x, long ldx,
                        float *y, long ldy, long p, __mmask16 m0, __mmask16 m1, int relu) {
    __m512 a0[8], a1[8];
    for (int j = 0; j < rows; j++) { a0[j] = _mm512_set1_ps(bias[o + j]); a1[j] = a0[j]; }
    const float *wo = w + (long)o * k;
    for (int i = 0; i < k; i++) {
        const float *row = x + (long)i * ldx + p;
        __m512 x0 = _mm512_maskz_loadu_ps(m0, row), x1 = _mm512_maskz_loadu_ps(m1, row + 16);
        for (int j = 0; j < rows; j++) {
            __m512 wv = _mm512_set1_ps(wo[(long)j * k + i]);
            a0[j] = _mm512_fmadd_ps(wv, x0, a0[j]);
            a1[j] = _mm512_fmadd_ps(wv, x1, a1[j]);
        }
    }
    for (int j = 0; j < rows; j++) {
        if (relu) { a0[j] = _mm512_max_ps(a0[j], _mm512_setzero_ps()); a1[j] = _mm512_max_ps(a1[j], _mm512_setzero_ps()); }
        float *out = y + (long)(o + j) * ldy + p;
        _mm512_mask_storeu_ps(out, m0, a0[j]);
        _mm512_mask_storeu_ps(out + 16, m1, a1[j]);
    }
}

static AVX512_TARGET void pointwise_avx512(const float *w, const float *bias, int m, int k, const float *x, long ldx,
                                           float *y, long ldy, long positions, int relu) {
    // Chunks of 256 positions: every output group reads the chunk's input (k rows of
    // 1 KB) from cache, and each input row is read from memory in 1 KB runs.
    for (long chunk = 0; chunk < positions; chunk += 256) {
        long end = chunk + 256 < positions ? chunk + 256 : positions;
        for (int o = 0; o < m; o += 8) {
            int rows = m - o < 8 ? m - o : 8;
            for (long p = chunk; p < end; p += 32) {
                long left = positions - p;
                __mmask16 m0 = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
                __mmask16 m1 = left >= 32 ? 0xFFFF : left <= 16 ? 0 : (__mmask16)((1u << (left - 16)) - 1);
                switch (rows) {
                case 8: pointwise_block512(w, bias, o, 8, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 7: pointwise_block512(w, bias, o, 7, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 6: pointwise_block512(w, bias, o, 6, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 5: pointwise_block512(w, bias, o, 5, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 4: pointwise_block512(w, bias, o, 4, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 3: pointwise_block512(w, bias, o, 3, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                case 2: pointwise_block512(w, bias, o, 2, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                default: pointwise_block512(w, bias, o, 1, k, x, ldx, y, ldy, p, m0, m1, relu); break;
                }
            }
        }
    }
}

/// Lanes l of a 16-wide block at column `col` whose column col + l + shift lies in 0 ..< w,
/// and col + l itself < w.
static inline __mmask16 lanes16(int col, int shift, int w) {
    int lo = -(col + shift), hi = w - (col + shift), out = w - col;
    if (lo < 0) lo = 0;
    if (hi > 16) hi = 16;
    if (hi > out) hi = out;
    if (hi <= lo) return 0;
    return (__mmask16)((((1u << (hi - lo)) - 1)) << lo);
}

/// Zeros standing in for a row outside the plane, so that the vector loops load
/// without a test (planes up to this wide; wider ones test each row).
#define ZERO_ROW_FLOATS 8192
static const float zero_row[ZERO_ROW_FLOATS + 64];

/// One 16-column block of a depthwise row at `col`, loads masked to the plane.
static inline __attribute__((always_inline)) AVX512_TARGET
__m512 depthwise_block512(const float *r0, const float *r1, const float *r2, int col, __mmask16 left,
                          __mmask16 mid, __mmask16 right, const __m512 *k, __m512 s) {
    const float *rows[3] = {r0, r1, r2};
    for (int ky = 0; ky < 3; ky++) {
        s = _mm512_fmadd_ps(k[ky * 3], _mm512_maskz_loadu_ps(left, rows[ky] + col - 1), s);
        s = _mm512_fmadd_ps(k[ky * 3 + 1], _mm512_maskz_loadu_ps(mid, rows[ky] + col), s);
        s = _mm512_fmadd_ps(k[ky * 3 + 2], _mm512_maskz_loadu_ps(right, rows[ky] + col + 1), s);
    }
    return s;
}

static AVX512_TARGET void depthwise_row_avx512(const float *const rows[3], int w, const float *t, float bias,
                                               float *out, int relu) {
    if (w > ZERO_ROW_FLOATS && (!rows[0] || !rows[2])) {   // too wide for the zero row: one column at a time
        depthwise_row_portable(rows, w, t, bias, out, relu);
        return;
    }
    const float *r0 = rows[0] ? rows[0] : zero_row + 16, *r1 = rows[1] ? rows[1] : zero_row + 16;
    const float *r2 = rows[2] ? rows[2] : zero_row + 16;
    __m512 k[9];
    for (int i = 0; i < 9; i++) k[i] = _mm512_set1_ps(t[i]);
    __m512 b = _mm512_set1_ps(bias), zero = _mm512_setzero_ps();
    int col = 0;
    // The first block (its left neighbour is padding), then blocks whose three
    // loads all lie inside the row, unmasked; the rest masked.
    if (w > 0) {
        __m512 s = depthwise_block512(r0, r1, r2, 0, lanes16(0, -1, w), lanes16(0, 0, w), lanes16(0, 1, w), k, b);
        if (relu) s = _mm512_max_ps(s, zero);
        _mm512_mask_storeu_ps(out, lanes16(0, 0, w), s);
        col = 16;
    }
    for (; col + 17 <= w; col += 16) {
        __m512 s = b;
        s = _mm512_fmadd_ps(k[0], _mm512_loadu_ps(r0 + col - 1), s);
        s = _mm512_fmadd_ps(k[1], _mm512_loadu_ps(r0 + col), s);
        s = _mm512_fmadd_ps(k[2], _mm512_loadu_ps(r0 + col + 1), s);
        s = _mm512_fmadd_ps(k[3], _mm512_loadu_ps(r1 + col - 1), s);
        s = _mm512_fmadd_ps(k[4], _mm512_loadu_ps(r1 + col), s);
        s = _mm512_fmadd_ps(k[5], _mm512_loadu_ps(r1 + col + 1), s);
        s = _mm512_fmadd_ps(k[6], _mm512_loadu_ps(r2 + col - 1), s);
        s = _mm512_fmadd_ps(k[7], _mm512_loadu_ps(r2 + col), s);
        s = _mm512_fmadd_ps(k[8], _mm512_loadu_ps(r2 + col + 1), s);
        if (relu) s = _mm512_max_ps(s, zero);
        _mm512_storeu_ps(out + col, s);
    }
    for (; col < w; col += 16) {
        __mmask16 mid = lanes16(col, 0, w);
        __m512 s = depthwise_block512(r0, r1, r2, col, lanes16(col, -1, w), mid, lanes16(col, 1, w), k, b);
        if (relu) s = _mm512_max_ps(s, zero);
        _mm512_mask_storeu_ps(out + col, mid, s);
    }
}

// MARK: - AVX2

#define AVX2_TARGET __attribute__((target("avx2,fma")))

/// Lanes l of an 8-wide block at column `col` whose column col + l + shift lies in 0 ..< w
/// (and col + l < w), as a maskload mask.
static inline AVX2_TARGET __m256i lanes8(long col, long shift, long w) {
    long lo = -(col + shift), hi = w - (col + shift), out = w - col;
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    if (hi > out) hi = out;
    if (lo < 0) lo = 0;
    if (hi > 8) hi = 8;
    if (hi < lo) hi = lo;
    __m256i ge = _mm256_cmpgt_epi32(lane, _mm256_set1_epi32((int)lo - 1));
    __m256i lt = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), lane);
    return _mm256_and_si256(ge, lt);
}

/// `rows` output channels (1 ... 6) x 16 positions from p.
static inline __attribute__((always_inline)) AVX2_TARGET
void pointwise_block256(const float *w, const float *bias, int o, int rows, int k, const float *x, long ldx,
                        float *y, long ldy, long p, __m256i m0, __m256i m1, int full, int relu) {
    __m256 a0[6], a1[6];
    for (int j = 0; j < rows; j++) { a0[j] = _mm256_set1_ps(bias[o + j]); a1[j] = a0[j]; }
    const float *wo = w + (long)o * k;
    for (int i = 0; i < k; i++) {
        const float *row = x + (long)i * ldx + p;
        __m256 x0, x1;
        if (full) { x0 = _mm256_loadu_ps(row); x1 = _mm256_loadu_ps(row + 8); }
        else { x0 = _mm256_maskload_ps(row, m0); x1 = _mm256_maskload_ps(row + 8, m1); }
        for (int j = 0; j < rows; j++) {
            __m256 wv = _mm256_set1_ps(wo[(long)j * k + i]);
            a0[j] = _mm256_fmadd_ps(wv, x0, a0[j]);
            a1[j] = _mm256_fmadd_ps(wv, x1, a1[j]);
        }
    }
    for (int j = 0; j < rows; j++) {
        if (relu) { a0[j] = _mm256_max_ps(a0[j], _mm256_setzero_ps()); a1[j] = _mm256_max_ps(a1[j], _mm256_setzero_ps()); }
        float *out = y + (long)(o + j) * ldy + p;
        if (full) { _mm256_storeu_ps(out, a0[j]); _mm256_storeu_ps(out + 8, a1[j]); }
        else { _mm256_maskstore_ps(out, m0, a0[j]); _mm256_maskstore_ps(out + 8, m1, a1[j]); }
    }
}

static AVX2_TARGET void pointwise_avx2(const float *w, const float *bias, int m, int k, const float *x, long ldx,
                                       float *y, long ldy, long positions, int relu) {
    for (long p = 0; p < positions; p += 16) {
        int full = positions - p >= 16;
        __m256i m0 = lanes8(p, 0, positions), m1 = lanes8(p + 8, 0, positions);
        int o = 0;
        for (; o + 6 <= m; o += 6) pointwise_block256(w, bias, o, 6, k, x, ldx, y, ldy, p, m0, m1, full, relu);
        switch (m - o) {
        case 5: pointwise_block256(w, bias, o, 5, k, x, ldx, y, ldy, p, m0, m1, full, relu); break;
        case 4: pointwise_block256(w, bias, o, 4, k, x, ldx, y, ldy, p, m0, m1, full, relu); break;
        case 3: pointwise_block256(w, bias, o, 3, k, x, ldx, y, ldy, p, m0, m1, full, relu); break;
        case 2: pointwise_block256(w, bias, o, 2, k, x, ldx, y, ldy, p, m0, m1, full, relu); break;
        case 1: pointwise_block256(w, bias, o, 1, k, x, ldx, y, ldy, p, m0, m1, full, relu); break;
        default: break;
        }
    }
}

static AVX2_TARGET void depthwise_row_avx2(const float *const rows[3], int w, const float *t, float bias,
                                           float *out, int relu) {
    __m256 k[9];
    for (int i = 0; i < 9; i++) k[i] = _mm256_set1_ps(t[i]);
    __m256 b = _mm256_set1_ps(bias), zero = _mm256_setzero_ps();
    for (int col = 0; col < w; col += 8) {
        // Inside the plane on both sides: plain loads; at an edge, masked ones.
        int inside = col >= 1 && col + 9 <= w;
        __m256i left = lanes8(col, -1, w), mid = lanes8(col, 0, w), right = lanes8(col, 1, w);
        __m256 s = b;
        for (int ky = 0; ky < 3; ky++) {
            __m256 v0 = zero, v1 = zero, v2 = zero;
            if (rows[ky] && inside) {
                v0 = _mm256_loadu_ps(rows[ky] + col - 1);
                v1 = _mm256_loadu_ps(rows[ky] + col);
                v2 = _mm256_loadu_ps(rows[ky] + col + 1);
            } else if (rows[ky]) {
                v0 = _mm256_maskload_ps(rows[ky] + col - 1, left);
                v1 = _mm256_maskload_ps(rows[ky] + col, mid);
                v2 = _mm256_maskload_ps(rows[ky] + col + 1, right);
            }
            s = _mm256_fmadd_ps(k[ky * 3], v0, s);
            s = _mm256_fmadd_ps(k[ky * 3 + 1], v1, s);
            s = _mm256_fmadd_ps(k[ky * 3 + 2], v2, s);
        }
        if (relu) s = _mm256_max_ps(s, zero);
        if (col + 8 <= w) _mm256_storeu_ps(out + col, s);
        else _mm256_maskstore_ps(out + col, mid, s);
    }
}

#endif

// MARK: - Dispatch

void mien_fconv_pointwise_rows(mien_fconv_path path, const float *w, const float *bias, int m, int k, const float *x, long ldx,
                      float *y, long ldy, long positions, int relu) {
    switch (path) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    case MIEN_FCONV_AVX512: pointwise_avx512(w, bias, m, k, x, ldx, y, ldy, positions, relu); return;
    case MIEN_FCONV_AVX2: pointwise_avx2(w, bias, m, k, x, ldx, y, ldy, positions, relu); return;
#endif
    default: pointwise_portable(w, bias, m, k, x, ldx, y, ldy, positions, relu); return;
    }
}

void mien_fconv_depthwise_row(mien_fconv_path path, const float *const rows[3], int w, const float *t, float bias,
                          float *out, int relu) {
    switch (path) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    case MIEN_FCONV_AVX512: depthwise_row_avx512(rows, w, t, bias, out, relu); return;
    case MIEN_FCONV_AVX2: depthwise_row_avx2(rows, w, t, bias, out, relu); return;
#endif
    default: depthwise_row_portable(rows, w, t, bias, out, relu); return;
    }
}

void mien_pointwise_f32(const float *w, const float *bias, int out_channels, int in_channels,
                        const float *x, float *y, long positions, int relu, mien_fconv_path path) {
    mien_fconv_pointwise_rows(mien_fconv_resolve(path), w, bias, out_channels, in_channels, x, positions, y, positions, positions, relu);
}

void mien_depthwise3x3_f32(const float *x, int channels, int height, int width, const float *taps,
                           const float *bias, float *y, int relu, mien_fconv_path path) {
    mien_fconv_path chosen = mien_fconv_resolve(path);
    for (int c = 0; c < channels; c++) {
        const float *plane = x + (long)c * height * width;
        for (int r = 0; r < height; r++) {
            const float *rows[3] = {
                r >= 1 ? plane + (long)(r - 1) * width : NULL,
                plane + (long)r * width,
                r + 1 < height ? plane + (long)(r + 1) * width : NULL,
            };
            mien_fconv_depthwise_row(chosen, rows, width, taps + c * 9, bias[c], y + ((long)c * height + r) * width, relu);
        }
    }
}

void mien_fconv_depthwise_ring_row(mien_fconv_path path, const float *pw_rows, int channels, int r, int height, int width,
                                   const float *taps, const float *bias, int relu, float *out, long out_plane) {
    long ring = 3L * width;
    for (int c = 0; c < channels; c++) {
        const float *slots = pw_rows + c * ring;
        const float *rows[3] = {
            r >= 1 ? slots + (long)((r - 1) % 3) * width : NULL,
            slots + (long)(r % 3) * width,
            r + 1 < height ? slots + (long)((r + 1) % 3) * width : NULL,
        };
        mien_fconv_depthwise_row(path, rows, width, taps + c * 9, bias[c], out + c * out_plane, relu);
    }
}

long mien_separable_scratch_floats(int out_channels, int width) { return 3L * out_channels * width; }

void mien_separable_f32(const float *pw_weight, const float *pw_bias, int in_channels, int out_channels,
                        const float *dw_taps, const float *dw_bias, int relu, const float *x, int height, int width,
                        float *y, float *scratch, mien_fconv_path path) {
    mien_fconv_path chosen = mien_fconv_resolve(path);
    long plane = (long)height * width, ring = 3L * width;  // scratch: [out_channels][3 rows][width]
    // Pointwise row i goes to ring slot i % 3 of every channel; output row r is
    // made once rows r - 1, r and r + 1 are there.
    for (int i = 0; i <= height; i++) {
        if (i < height) {
            mien_fconv_pointwise_rows(chosen, pw_weight, pw_bias, out_channels, in_channels, x + (long)i * width, plane,
                      scratch + (long)(i % 3) * width, ring, width, 0);
        }
        int r = i - 1;
        if (r < 0) continue;
        mien_fconv_depthwise_ring_row(chosen, scratch, out_channels, r, height, width, dw_taps, dw_bias, relu,
                                      y + (long)r * width, plane);
    }
}
