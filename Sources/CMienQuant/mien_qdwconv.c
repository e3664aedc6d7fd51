// Quantized depthwise convolution: see include/mien_qdwconv.h.
#include "mien_qdwconv.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

int mien_qdwconv_has_avx512(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    return 0;
#endif
}

int mien_qdwconv_has_vnni(void) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    return mien_qdwconv_has_avx512() && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

/// Where channel `16 * lane + 4 * k + e` of a block of 64 sits in the VNNI
/// kernel's order: accumulator k (of 4), 32-bit element 4 * lane + e.
/// unpacklo/hi_epi8 then unpacklo/hi_epi16 of four taps' bytes put the
/// channels there, and packs_epi32 then packus_epi16 put them back in order.
static int vnni_position(int channel_in_block) {
    int lane = channel_in_block / 16, k = (channel_in_block % 16) / 4, e = channel_in_block % 4;
    return k * 16 + lane * 4 + e;
}

size_t mien_qdwconv_vnni_words(int padded_channels, int kernel) {
    int blocks = (padded_channels + 63) / 64, groups = (kernel * kernel + 3) / 4;
    return (size_t)blocks * (groups + 3) * 64;
}

void mien_qdwconv_pack_vnni(const int8_t *weights, const float *multiplier, const float *offset, int channels,
                            int padded_channels, int kernel, int in_zero, int32_t *words) {
    int count = kernel * kernel, groups = (count + 3) / 4;
    size_t block_words = (size_t)(groups + 3) * 64;
    memset(words, 0, mien_qdwconv_vnni_words(padded_channels, kernel) * sizeof(int32_t));
    for (int c = 0; c < channels; c++) {
        int32_t *block = words + (size_t)(c / 64) * block_words;
        int at = vnni_position(c % 64), sum = 0;
        for (int t = 0; t < count; t++) {
            int8_t w = weights[(size_t)c * count + t];
            ((int8_t *)&block[(t / 4) * 64 + at])[t % 4] = w;   // byte t % 4 of the word: the tap's place in the quad
            sum += w;
        }
        block[groups * 64 + at] = in_zero * sum;
        memcpy(&block[(groups + 1) * 64 + at], &multiplier[c], sizeof(float));
        memcpy(&block[(groups + 2) * 64 + at], &offset[c], sizeof(float));
    }
}

int mien_qdwconv_pair_count(int kernel) { return (kernel * kernel + 1) / 2; }

void mien_qdwconv_pack(const int8_t *weights, int channels, int padded_channels, int kernel, int32_t *taps,
                       int32_t *paired_taps) {
    int count = kernel * kernel, pc = padded_channels;
    memset(taps, 0, (size_t)count * pc * sizeof(int32_t));
    for (int c = 0; c < channels; c++)
        for (int t = 0; t < count; t++) taps[(size_t)t * pc + c] = weights[(size_t)c * count + t];
    for (int p = 0; p < mien_qdwconv_pair_count(kernel); p++)
        for (int c = 0; c < pc; c++) {
            int32_t lo = taps[(size_t)(2 * p) * pc + c], hi = 2 * p + 1 < count ? taps[(size_t)(2 * p + 1) * pc + c] : 0;
            paired_taps[(size_t)p * pc + c] = (int32_t)(((uint32_t)(uint16_t)hi << 16) | (uint16_t)lo);
        }
}

int mien_qdwconv_out_size(const mien_qdwconv *conv, int size) {
    return (size + 2 * conv->pad - conv->kernel) / conv->stride + 1;
}

size_t mien_qdwconv_scratch_size(const mien_qdwconv *conv, int height, int width, int in_stride) {
    return (size_t)(height + 2 * conv->pad) * (width + 2 * conv->pad) * in_stride + 64;
}

/// The one rounding every path shares: float32 fma, clamp to -256..256,
/// round half to even, add the zero point, clamp to a byte.
static inline uint8_t to_byte(int32_t acc, float multiplier, float offset, int zero) {
    float y = fmaf((float)acc, multiplier, offset);
    y = fminf(fmaxf(y, -256.0f), 256.0f);
    float q = nearbyintf(y) + (float)zero;
    return (uint8_t)fminf(fmaxf(q, 0.0f), 255.0f);
}

/// One image bordered by `pad` pixels of its zero point (which stand for a real 0).
static const uint8_t *bordered(const mien_qdwconv *c, const uint8_t *image, int h, int w, int in_stride, uint8_t *scratch) {
    if (c->pad == 0) return image;
    int pad = c->pad, ph = h + 2 * pad, pw = w + 2 * pad;
    size_t row = (size_t)pw * in_stride, side = (size_t)pad * in_stride;
    memset(scratch, c->in_zero, pad * row);                                // the rows above
    memset(scratch + (size_t)(pad + h) * row, c->in_zero, (size_t)(ph - pad - h) * row);   // and below
    for (int y = 0; y < h; y++) {
        uint8_t *to = scratch + (size_t)(y + pad) * row;
        memset(to, c->in_zero, side);
        memcpy(to + side, image + (size_t)y * w * in_stride, (size_t)w * in_stride);
        memset(to + side + (size_t)w * in_stride, c->in_zero, side);
    }
    return scratch;
}

// ---------------------------------------------------------------- portable path

static void run_portable(const mien_qdwconv *c, const uint8_t *src, int pw, int in_stride, int oh, int ow,
                         uint8_t *out, int out_stride) {
    int k = c->kernel, pc = c->padded_channels;
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            const uint8_t *corner = src + ((size_t)oy * c->stride * pw + (size_t)ox * c->stride) * in_stride;
            uint8_t *to = out + ((size_t)oy * ow + ox) * out_stride;
            for (int ch = 0; ch < c->channels; ch++) {
                int32_t acc = 0;
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        acc += ((int32_t)corner[((size_t)ky * pw + kx) * in_stride + ch] - c->in_zero)
                            * c->taps[(size_t)(ky * k + kx) * pc + ch];
                to[ch] = to_byte(acc, c->multiplier[ch], c->offset[ch], c->out_zero);
            }
            memset(to + c->channels, 0, (size_t)(out_stride - c->channels));
        }
}

// ---------------------------------------------------------------- AVX-512 path

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define AVX512_TARGET __attribute__((target("avx512f,avx512bw,fma")))

/// J blocks of 16 channels of one output pixel, each in its own accumulator
/// (independent chains the core overlaps). Two taps share one vpmaddwd: a
/// 32-bit lane holds the two taps' (q - in_zero) as 16-bit halves and the
/// weights the two taps' int8 weights, so the lane's sum is exact in int32.
AVX512_TARGET __attribute__((always_inline)) static inline void avx512_tile(
        const mien_qdwconv *c, const uint8_t *corner, const int32_t *weights, const int *offsets, int pairs,
        int b0, const int J, uint8_t *to, __mmask16 last_mask, int last_block) {
    const __m512i in_zero = _mm512_set1_epi16((short)c->in_zero);
    int pc = c->padded_channels;
    __m512i acc[4];
    for (int j = 0; j < J; j++) acc[j] = _mm512_setzero_si512();
    for (int p = 0; p < pairs; p++) {
        const uint8_t *a = corner + offsets[2 * p] + b0 * 16, *q = corner + offsets[2 * p + 1] + b0 * 16;
        for (int j = 0; j < J; j++) {
            __m512i low = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(a + 16 * j)));
            __m512i high = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(q + 16 * j)));
            __m512i both = _mm512_sub_epi16(_mm512_or_si512(low, _mm512_slli_epi32(high, 16)), in_zero);
            __m512i w = _mm512_loadu_si512((const void *)(weights + p * pc + (b0 + j) * 16));
            acc[j] = _mm512_add_epi32(acc[j], _mm512_madd_epi16(both, w));
        }
    }
    const __m512 lo = _mm512_set1_ps(-256.0f), hi = _mm512_set1_ps(256.0f);
    const __m512i out_zero = _mm512_set1_epi32(c->out_zero), byte_lo = _mm512_setzero_si512(), byte_hi = _mm512_set1_epi32(255);
    for (int j = 0; j < J; j++) {
        int b = b0 + j;
        __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(acc[j]), _mm512_loadu_ps(c->multiplier + b * 16),
                                   _mm512_loadu_ps(c->offset + b * 16));
        // Clamped to +-256, y converts exactly; the conversion rounds half to even.
        __m512i r = _mm512_cvt_roundps_epi32(_mm512_min_ps(_mm512_max_ps(y, lo), hi), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, out_zero), byte_lo), byte_hi);
        if (b == last_block) r = _mm512_maskz_mov_epi32(last_mask, r);
        _mm_storeu_si128((__m128i *)(to + b * 16), _mm512_cvtepi32_epi8(r));
    }
}

AVX512_TARGET static void run_avx512(const mien_qdwconv *c, const uint8_t *src, int pw, int in_stride, int oh, int ow,
                                     uint8_t *out, int out_stride) {
    int k = c->kernel, count = k * k, pairs = mien_qdwconv_pair_count(k), pc = c->padded_channels, blocks = pc / 16;
    const int32_t *weights = c->paired_taps;
    int offsets[2 * pairs];        // each tap's byte offset from a pixel's corner; the odd one out reads tap 0
    for (int t = 0; t < 2 * pairs; t++) offsets[t] = t < count ? ((t / k) * pw + t % k) * in_stride : 0;
    int tail = c->channels - (blocks - 1) * 16;   // real channels of the last block, 1..16
    const __mmask16 last = (__mmask16)((1u << tail) - 1u);
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            const uint8_t *corner = src + ((size_t)oy * c->stride * pw + (size_t)ox * c->stride) * in_stride;
            uint8_t *to = out + ((size_t)oy * ow + ox) * out_stride;
            int b = 0;
            for (; b + 4 <= blocks; b += 4) avx512_tile(c, corner, weights, offsets, pairs, b, 4, to, last, blocks - 1);
            for (; b + 2 <= blocks; b += 2) avx512_tile(c, corner, weights, offsets, pairs, b, 2, to, last, blocks - 1);
            for (; b < blocks; b++) avx512_tile(c, corner, weights, offsets, pairs, b, 1, to, last, blocks - 1);
            if (out_stride > pc) memset(to + pc, 0, (size_t)(out_stride - pc));
        }
}

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vnni,fma")))

/// One block of up to 64 channels of one output pixel. Per group of four taps
/// the taps' bytes are interleaved so each 32-bit lane holds one channel's
/// four bytes, and one vpdpbusd per 16 channels adds their products with the
/// four weights to the int32 sums (exact). The zero point's share,
/// in_zero * the sum of the weights, comes off once; the epilogue is the
/// shared rounding, and the packs put the channels back in order.
VNNI_TARGET __attribute__((always_inline)) static inline void vnni_block(
        const mien_qdwconv *c, const uint8_t *corner, const int *offsets, int groups, int b, uint8_t *to) {
    int base = b * 64, valid = c->padded_channels - base, real = c->channels - base;
    const __mmask64 load = valid >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << valid) - 1);
    const __mmask64 keep = real >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << real) - 1);
    const int32_t *w = c->vnni + (size_t)b * (groups + 3) * 64;
    __m512i acc0 = _mm512_setzero_si512(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (int g = 0; g < groups; g++) {
        __m512i t0 = _mm512_maskz_loadu_epi8(load, corner + offsets[4 * g] + base);
        __m512i t1 = _mm512_maskz_loadu_epi8(load, corner + offsets[4 * g + 1] + base);
        __m512i t2 = _mm512_maskz_loadu_epi8(load, corner + offsets[4 * g + 2] + base);
        __m512i t3 = _mm512_maskz_loadu_epi8(load, corner + offsets[4 * g + 3] + base);
        __m512i lo01 = _mm512_unpacklo_epi8(t0, t1), hi01 = _mm512_unpackhi_epi8(t0, t1);
        __m512i lo23 = _mm512_unpacklo_epi8(t2, t3), hi23 = _mm512_unpackhi_epi8(t2, t3);
        const int32_t *wg = w + g * 64;
        acc0 = _mm512_dpbusd_epi32(acc0, _mm512_unpacklo_epi16(lo01, lo23), _mm512_loadu_si512((const void *)wg));
        acc1 = _mm512_dpbusd_epi32(acc1, _mm512_unpackhi_epi16(lo01, lo23), _mm512_loadu_si512((const void *)(wg + 16)));
        acc2 = _mm512_dpbusd_epi32(acc2, _mm512_unpacklo_epi16(hi01, hi23), _mm512_loadu_si512((const void *)(wg + 32)));
        acc3 = _mm512_dpbusd_epi32(acc3, _mm512_unpackhi_epi16(hi01, hi23), _mm512_loadu_si512((const void *)(wg + 48)));
    }
    const int32_t *correction = w + groups * 64, *multiplier = correction + 64, *offset = correction + 128;
    const __m512 lo = _mm512_set1_ps(-256.0f), hi = _mm512_set1_ps(256.0f);
    const __m512i out_zero = _mm512_set1_epi32(c->out_zero);
    __m512i acc[4] = {acc0, acc1, acc2, acc3}, r[4];
    for (int k = 0; k < 4; k++) {
        __m512i sum = _mm512_sub_epi32(acc[k], _mm512_loadu_si512((const void *)(correction + 16 * k)));
        __m512 y = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_loadu_ps(multiplier + 16 * k),
                                   _mm512_loadu_ps(offset + 16 * k));
        // Clamped to +-256, y converts exactly; the conversion rounds half to even.
        r[k] = _mm512_add_epi32(_mm512_cvt_roundps_epi32(_mm512_min_ps(_mm512_max_ps(y, lo), hi),
                                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), out_zero);
    }
    // -256 .. 511 fit int16 exactly; packus clamps to a byte as the reference does.
    __m512i bytes = _mm512_packus_epi16(_mm512_packs_epi32(r[0], r[1]), _mm512_packs_epi32(r[2], r[3]));
    _mm512_mask_storeu_epi8(to + base, load, _mm512_maskz_mov_epi8(keep, bytes));
}

VNNI_TARGET static void run_vnni(const mien_qdwconv *c, const uint8_t *src, int pw, int in_stride, int oh, int ow,
                                 uint8_t *out, int out_stride) {
    int k = c->kernel, count = k * k, groups = (count + 3) / 4, blocks = (c->padded_channels + 63) / 64;
    int offsets[4 * groups];       // each tap's byte offset from a pixel's corner; the missing ones read tap 0
    for (int t = 0; t < 4 * groups; t++) offsets[t] = t < count ? ((t / k) * pw + t % k) * in_stride : 0;
    for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++) {
            const uint8_t *corner = src + ((size_t)oy * c->stride * pw + (size_t)ox * c->stride) * in_stride;
            uint8_t *to = out + ((size_t)oy * ow + ox) * out_stride;
            for (int b = 0; b < blocks; b++) vnni_block(c, corner, offsets, groups, b, to);
            if (out_stride > c->padded_channels) memset(to + c->padded_channels, 0, (size_t)(out_stride - c->padded_channels));
        }
}
#endif

void mien_qdwconv_run(const mien_qdwconv *c, const uint8_t *input, int batch, int h, int w, int in_stride,
                      uint8_t *output, int out_stride, mien_qdwconv_path path, uint8_t *scratch) {
    int oh = mien_qdwconv_out_size(c, h), ow = mien_qdwconv_out_size(c, w), pw = w + 2 * c->pad;
    if (path == MIEN_QDWCONV_AUTO)
        path = mien_qdwconv_has_vnni() ? MIEN_QDWCONV_VNNI
             : mien_qdwconv_has_avx512() ? MIEN_QDWCONV_AVX512 : MIEN_QDWCONV_PORTABLE;
    for (int n = 0; n < batch; n++) {
        const uint8_t *src = bordered(c, input + (size_t)n * h * w * in_stride, h, w, in_stride, scratch);
        uint8_t *out = output + (size_t)n * oh * ow * out_stride;
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
        if (path == MIEN_QDWCONV_VNNI) {
            run_vnni(c, src, pw, in_stride, oh, ow, out, out_stride);
            continue;
        }
        if (path == MIEN_QDWCONV_AVX512) {
            run_avx512(c, src, pw, in_stride, oh, ow, out, out_stride);
            continue;
        }
#endif
        run_portable(c, src, pw, in_stride, oh, ow, out, out_stride);
    }
}

// ---------------------------------------------------------------- reference

void mien_qdwconv_reference(const int8_t *weights, const float *multiplier, const float *offset, int channels,
                            int kernel, int stride, int pad, int in_zero, int out_zero,
                            const uint8_t *input, int batch, int h, int w, int in_stride,
                            uint8_t *output, int out_stride) {
    int oh = (h + 2 * pad - kernel) / stride + 1, ow = (w + 2 * pad - kernel) / stride + 1;
    for (int n = 0; n < batch; n++)
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++) {
                uint8_t *to = output + (((size_t)n * oh + oy) * ow + ox) * out_stride;
                for (int ch = 0; ch < out_stride; ch++) {
                    if (ch >= channels) { to[ch] = 0; continue; }
                    int32_t acc = 0;
                    for (int ky = 0; ky < kernel; ky++)
                        for (int kx = 0; kx < kernel; kx++) {
                            int y = oy * stride + ky - pad, x = ox * stride + kx - pad;
                            if (y < 0 || y >= h || x < 0 || x >= w) continue;
                            int32_t q = input[(((size_t)n * h + y) * w + x) * in_stride + ch];
                            acc += (q - in_zero) * weights[((size_t)ch * kernel + ky) * kernel + kx];
                        }
                    to[ch] = to_byte(acc, multiplier[ch], offset[ch], out_zero);
                }
            }
}
