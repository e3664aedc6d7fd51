// Quantized convolution: see include/mien_qconv.h.
#include "mien_qconv.h"
#include "mien_fconv.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

size_t mien_qconv_packed_size(int out_channels, int in_channels, int kernel_h, int kernel_w) {
    size_t groups = (size_t)(in_channels + 3) / 4, blocks = (size_t)(out_channels + 15) / 16;
    return (size_t)kernel_h * kernel_w * groups * blocks * 64;
}

void mien_qconv_pack(const int8_t *weights, int out_channels, int in_channels, int kernel_h, int kernel_w,
                     int8_t *packed) {
    int groups = (in_channels + 3) / 4, blocks = (out_channels + 15) / 16;
    memset(packed, 0, mien_qconv_packed_size(out_channels, in_channels, kernel_h, kernel_w));
    for (int o = 0; o < out_channels; o++)
        for (int i = 0; i < in_channels; i++)
            for (int ky = 0; ky < kernel_h; ky++)
                for (int kx = 0; kx < kernel_w; kx++) {
                    size_t at = ((((size_t)(ky * kernel_w + kx) * groups + i / 4) * blocks + o / 16) * 16 + o % 16) * 4 + i % 4;
                    packed[at] = weights[((size_t)(o * in_channels + i) * kernel_h + ky) * kernel_w + kx];
                }
}

int mien_qconv_has_vnni(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

int mien_qconv_has_avx2(void) { return mien_fconv_has_avx2(); }  // AVX2 and FMA, as the float kernels check

int mien_qconv_out_size(const mien_qconv *conv, int size, int kernel) {
    return (size + 2 * conv->pad - kernel) / conv->stride + 1;
}

static int padded_h(const mien_qconv *c, int h) { return h + 2 * c->pad; }
static int padded_w(const mien_qconv *c, int w) { return w + 2 * c->pad; }

size_t mien_qconv_scratch_size(const mien_qconv *conv, int height, int width, int in_stride) {
    // uint8 for the VNNI and portable paths, int16 for the AVX2 path.
    return (size_t)padded_h(conv, height) * padded_w(conv, width) * in_stride * 2 + 64;
}

/// The one rounding every path shares: float32 fma, then (for uint8) clamp to
/// 0..255 and round half to even.
static inline float requantize(int32_t acc, float multiplier, float offset) {
    return fmaf((float)acc, multiplier, offset);
}

static inline uint8_t to_u8(float y) {
    y = fminf(fmaxf(y, 0.0f), 255.0f);
    return (uint8_t)nearbyintf(y);
}

/// One image, zero-bordered: [ph][pw][in_stride].
static const uint8_t *bordered(const mien_qconv *c, const uint8_t *image, int h, int w, int in_stride, uint8_t *scratch) {
    if (c->pad == 0) return image;
    int ph = padded_h(c, h), pw = padded_w(c, w);
    memset(scratch, 0, (size_t)ph * pw * in_stride);
    for (int y = 0; y < h; y++)
        memcpy(scratch + ((size_t)(y + c->pad) * pw + c->pad) * in_stride, image + (size_t)y * w * in_stride,
               (size_t)w * in_stride);
    return scratch;
}

/// One image, zero-bordered and widened to int16 (for the AVX2 path).
static const int16_t *widened(const mien_qconv *c, const uint8_t *image, int h, int w, int in_stride, int16_t *scratch) {
    int ph = padded_h(c, h), pw = padded_w(c, w);
    memset(scratch, 0, (size_t)ph * pw * in_stride * sizeof(int16_t));
    for (int y = 0; y < h; y++) {
        const uint8_t *row = image + (size_t)y * w * in_stride;
        int16_t *to = scratch + ((size_t)(y + c->pad) * pw + c->pad) * in_stride;
        for (size_t i = 0; i < (size_t)w * in_stride; i++) to[i] = row[i];
    }
    return scratch;
}

// ---------------------------------------------------------------- portable path

static void run_portable(const mien_qconv *c, const uint8_t *src, int pw, int in_stride, int oh, int ow,
                         uint8_t *out_u8, float *out_f32, int out_stride) {
    int blocks = c->out_blocks, groups = c->in_groups;
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            for (int b = 0; b < blocks; b++) {
                int32_t acc[16] = {0};
                for (int ky = 0; ky < c->kernel_h; ky++)
                    for (int kx = 0; kx < c->kernel_w; kx++) {
                        const uint8_t *px = src + ((size_t)(oy * c->stride + ky) * pw + ox * c->stride + kx) * in_stride;
                        const int8_t *wk = c->packed + ((size_t)(ky * c->kernel_w + kx) * groups * blocks + b) * 64;
                        for (int g = 0; g < groups; g++, wk += (size_t)blocks * 64) {
                            const uint8_t *a = px + 4 * g;
                            for (int l = 0; l < 16; l++)
                                acc[l] += a[0] * wk[4 * l] + a[1] * wk[4 * l + 1] + a[2] * wk[4 * l + 2] + a[3] * wk[4 * l + 3];
                        }
                    }
                size_t at = ((size_t)oy * ow + ox) * out_stride + b * 16;
                for (int l = 0; l < 16; l++) {
                    float y = requantize(acc[l], c->multiplier[b * 16 + l], c->offset[b * 16 + l]);
                    if (out_f32) out_f32[at + l] = y; else out_u8[at + l] = to_u8(y);
                }
            }
        }
}

// ---------------------------------------------------------------- AVX-512 VNNI path

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,fma")))

/// P output pixels of one row x J blocks of 16 output channels.
VNNI_TARGET __attribute__((always_inline)) static inline void vnni_tile(const mien_qconv *c, const uint8_t *src, int pw, int in_stride, int oy, int ox0,
                                         int b0, const int P, const int J, uint8_t *out_u8, float *out_f32,
                                         int ow, int out_stride) {
    __m512i acc[8][2];
    for (int p = 0; p < P; p++)
        for (int j = 0; j < J; j++) acc[p][j] = _mm512_setzero_si512();
    int blocks = c->out_blocks, groups = c->in_groups, step = c->stride * in_stride;
    for (int ky = 0; ky < c->kernel_h; ky++)
        for (int kx = 0; kx < c->kernel_w; kx++) {
            const uint8_t *px = src + ((size_t)(oy * c->stride + ky) * pw + ox0 * c->stride + kx) * in_stride;
            const int8_t *wk = c->packed + ((size_t)(ky * c->kernel_w + kx) * groups * blocks + b0) * 64;
            for (int g = 0; g < groups; g++, wk += (size_t)blocks * 64, px += 4) {
                __m512i w[2];
                for (int j = 0; j < J; j++) w[j] = _mm512_loadu_si512((const void *)(wk + j * 64));
                for (int p = 0; p < P; p++) {
                    int32_t four;
                    memcpy(&four, px + p * step, 4);
                    __m512i a = _mm512_set1_epi32(four);
                    for (int j = 0; j < J; j++) acc[p][j] = _mm512_dpbusd_epi32(acc[p][j], a, w[j]);
                }
            }
        }
    const __m512 lo = _mm512_setzero_ps(), hi = _mm512_set1_ps(255.0f);
    for (int j = 0; j < J; j++) {
        __m512 m = _mm512_loadu_ps(c->multiplier + (b0 + j) * 16), o = _mm512_loadu_ps(c->offset + (b0 + j) * 16);
        for (int p = 0; p < P; p++) {
            __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[p][j]), m, o);
            size_t at = ((size_t)oy * ow + ox0 + p) * out_stride + (b0 + j) * 16;
            if (out_f32) {
                _mm512_storeu_ps(out_f32 + at, y);
            } else {
                y = _mm512_min_ps(_mm512_max_ps(y, lo), hi);
                __m512i q = _mm512_cvt_roundps_epi32(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
                _mm_storeu_si128((__m128i *)(out_u8 + at), _mm512_cvtepi32_epi8(q));
            }
        }
    }
}

#define TILE(P, J) vnni_tile(c, src, pw, in_stride, oy, ox, b, P, J, out_u8, out_f32, ow, out_stride)

VNNI_TARGET static void run_vnni(const mien_qconv *c, const uint8_t *src, int pw, int in_stride, int oh, int ow,
                                 uint8_t *out_u8, float *out_f32, int out_stride) {
    for (int oy = 0; oy < oh; oy++) {
        for (int b = 0; b < c->out_blocks; b += 2) {
            int two = b + 1 < c->out_blocks;
            int ox = 0;
            for (; ox + 6 <= ow; ox += 6) { if (two) TILE(6, 2); else TILE(6, 1); }
            for (; ox < ow; ox++) { if (two) TILE(1, 2); else TILE(1, 1); }
        }
    }
}
#endif


// ---------------------------------------------------------------- AVX2 path

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define AVX2_TARGET __attribute__((target("avx2,fma")))

/// P output pixels of one row x one block of 16 output channels, on the image
/// widened to int16. Each group of 4 input channels: the 64 weight bytes
/// widened to four vectors of 16 int16 (4 outputs x 4 inputs each), the
/// pixel's 4 values broadcast, and vpmaddwd sums pairs exactly into int32 (two
/// partial sums per output).
AVX2_TARGET __attribute__((always_inline)) static inline void avx2_tile(
        const mien_qconv *c, const int16_t *src, int pw, int in_stride, int oy, int ox0, int b, const int P,
        uint8_t *out_u8, float *out_f32, int ow, int out_stride) {
    __m256i acc[3][4];
    for (int p = 0; p < P; p++)
        for (int q = 0; q < 4; q++) acc[p][q] = _mm256_setzero_si256();
    int blocks = c->out_blocks, groups = c->in_groups, step = c->stride * in_stride;
    for (int ky = 0; ky < c->kernel_h; ky++)
        for (int kx = 0; kx < c->kernel_w; kx++) {
            const int16_t *px = src + ((size_t)(oy * c->stride + ky) * pw + ox0 * c->stride + kx) * in_stride;
            const int8_t *wk = c->packed + ((size_t)(ky * c->kernel_w + kx) * groups * blocks + b) * 64;
            for (int g = 0; g < groups; g++, wk += (size_t)blocks * 64, px += 4) {
                __m256i w[4];
                for (int q = 0; q < 4; q++) w[q] = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(wk + 16 * q)));
                for (int p = 0; p < P; p++) {
                    long long four;
                    memcpy(&four, px + p * step, 8);
                    __m256i x = _mm256_set1_epi64x(four);
                    for (int q = 0; q < 4; q++) acc[p][q] = _mm256_add_epi32(acc[p][q], _mm256_madd_epi16(w[q], x));
                }
            }
        }
    for (int p = 0; p < P; p++) {
        int32_t partial[32];
        for (int q = 0; q < 4; q++) _mm256_storeu_si256((__m256i *)(partial + 8 * q), acc[p][q]);
        size_t at = ((size_t)oy * ow + ox0 + p) * out_stride + b * 16;
        for (int l = 0; l < 16; l++) {
            float y = requantize(partial[2 * l] + partial[2 * l + 1], c->multiplier[b * 16 + l], c->offset[b * 16 + l]);
            if (out_f32) out_f32[at + l] = y; else out_u8[at + l] = to_u8(y);
        }
    }
}

AVX2_TARGET static void run_avx2(const mien_qconv *c, const int16_t *src, int pw, int in_stride, int oh, int ow,
                                 uint8_t *out_u8, float *out_f32, int out_stride) {
    for (int oy = 0; oy < oh; oy++)
        for (int b = 0; b < c->out_blocks; b++) {
            int ox = 0;
            for (; ox + 3 <= ow; ox += 3) avx2_tile(c, src, pw, in_stride, oy, ox, b, 3, out_u8, out_f32, ow, out_stride);
            for (; ox < ow; ox++) avx2_tile(c, src, pw, in_stride, oy, ox, b, 1, out_u8, out_f32, ow, out_stride);
        }
}
#endif

void mien_qconv_run(const mien_qconv *c, const uint8_t *input, int batch, int h, int w, int in_stride,
                    void *output, int out_stride, int float_output, mien_qconv_path path, uint8_t *scratch) {
    int oh = mien_qconv_out_size(c, h, c->kernel_h), ow = mien_qconv_out_size(c, w, c->kernel_w);
    int pw = padded_w(c, w);
    if (path == MIEN_QCONV_AUTO)
        path = mien_qconv_has_vnni() ? MIEN_QCONV_VNNI : mien_qconv_has_avx2() ? MIEN_QCONV_AVX2 : MIEN_QCONV_PORTABLE;
    for (int n = 0; n < batch; n++) {
        const uint8_t *src = path == MIEN_QCONV_AVX2 ? NULL : bordered(c, input + (size_t)n * h * w * in_stride, h, w, in_stride, scratch);
        size_t out_at = (size_t)n * oh * ow * out_stride;
        uint8_t *out_u8 = float_output ? NULL : (uint8_t *)output + out_at;
        float *out_f32 = float_output ? (float *)output + out_at : NULL;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        if (path == MIEN_QCONV_VNNI) {
            run_vnni(c, src, pw, in_stride, oh, ow, out_u8, out_f32, out_stride);
            continue;
        }
        if (path == MIEN_QCONV_AVX2) {
            run_avx2(c, widened(c, input + (size_t)n * h * w * in_stride, h, w, in_stride, (int16_t *)scratch), pw,
                     in_stride, oh, ow, out_u8, out_f32, out_stride);
            continue;
        }
#endif
        run_portable(c, src, pw, in_stride, oh, ow, out_u8, out_f32, out_stride);
    }
}

// ---------------------------------------------------------------- reference

void mien_qconv_reference(const int8_t *weights, const float *multiplier, const float *offset,
                          int out_channels, int in_channels, int kernel_h, int kernel_w, int stride, int pad,
                          const uint8_t *input, int batch, int h, int w, int in_stride,
                          void *output, int out_stride, int float_output) {
    int oh = (h + 2 * pad - kernel_h) / stride + 1, ow = (w + 2 * pad - kernel_w) / stride + 1;
    for (int n = 0; n < batch; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
                for (int o = 0; o < out_channels; o++) {
                    int32_t acc = 0;
                    for (int i = 0; i < in_channels; i++)
                        for (int ky = 0; ky < kernel_h; ky++)
                            for (int kx = 0; kx < kernel_w; kx++) {
                                int y = oy * stride + ky - pad, x = ox * stride + kx - pad;
                                if (y < 0 || y >= h || x < 0 || x >= w) continue;
                                int32_t a = input[(((size_t)n * h + y) * w + x) * in_stride + i];
                                acc += a * weights[((size_t)(o * in_channels + i) * kernel_h + ky) * kernel_w + kx];
                            }
                    float v = requantize(acc, multiplier[o], offset[o]);
                    size_t at = (((size_t)n * oh + oy) * ow + ox) * out_stride + o;
                    if (float_output) ((float *)output)[at] = v; else ((uint8_t *)output)[at] = to_u8(v);
                }
}
