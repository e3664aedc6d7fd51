// See include/mien_qglue.h. Compiled with -ffp-contract=off (Package.swift).
#include "mien_qglue.h"

#include <stddef.h>

/// clamp(round half to even(v / scale), 0, 255): adding and taking away 2^23
/// rounds a float in 0..255 to an integer, half to even, on every CPU.
static inline uint8_t quantize(float v, float scale) {
    float q = v / scale;
    q = q < 0.0f ? 0.0f : q;
    q = q > 255.0f ? 255.0f : q;
    q = (q + 8388608.0f) - 8388608.0f;
    return (uint8_t)q;
}

/// Pixels a block: each channel's run of a block is quantized into a small
/// buffer (vectorized), then written across the block's pixels, which stay in L1.
enum { QUANTIZE_BLOCK = 64 };

/// clamp(round half to even(clamp(v / scale, -256, 256)) + zero, 0, 255).
static inline uint8_t quantize_zero(float v, float scale, float zero) {
    float q = v / scale;
    q = q < -256.0f ? -256.0f : q;
    q = q > 256.0f ? 256.0f : q;
    q = (q + 12582912.0f) - 12582912.0f;   // round half to even: 1.5 * 2^23 works for either sign up to 2^22
    q += zero;
    q = q < 0.0f ? 0.0f : q;
    q = q > 255.0f ? 255.0f : q;
    return (uint8_t)q;
}

void mien_quantize_nchw_zero(const float *x, int n, int c, int plane, float scale, int zero, uint8_t *out, int stride) {
    uint8_t run[QUANTIZE_BLOCK];
    for (int b = 0; b < n; b++)
        for (int p0 = 0; p0 < plane; p0 += QUANTIZE_BLOCK) {
            int len = plane - p0 < QUANTIZE_BLOCK ? plane - p0 : QUANTIZE_BLOCK;
            uint8_t *to = out + ((size_t)b * plane + p0) * stride;
            for (int ch = 0; ch < c; ch++) {
                const float *from = x + ((size_t)b * c + ch) * plane + p0;
                for (int i = 0; i < len; i++) run[i] = quantize_zero(from[i], scale, (float)zero);
                for (int i = 0; i < len; i++) to[(size_t)i * stride + ch] = run[i];
            }
        }
}

/// With zero point 0 the signed quantizer gives exactly the unsigned one's
/// bytes: below 0 both give 0, above 255 both 255, and both round half to even.
void mien_quantize_nchw(const float *x, int n, int c, int plane, float scale, uint8_t *out, int stride) {
    mien_quantize_nchw_zero(x, n, c, plane, scale, 0, out, stride);
}

void mien_nhwc_to_nchw(const float *values, int n, int plane, int c, int stride, int relu, float *out) {
    for (int b = 0; b < n; b++)
        for (int p0 = 0; p0 < plane; p0 += QUANTIZE_BLOCK) {
            int len = plane - p0 < QUANTIZE_BLOCK ? plane - p0 : QUANTIZE_BLOCK;
            const float *from = values + ((size_t)b * plane + p0) * stride;
            for (int ch = 0; ch < c; ch++) {
                float *to = out + ((size_t)b * c + ch) * plane + p0;
                if (relu)
                    for (int i = 0; i < len; i++) { float v = from[(size_t)i * stride + ch]; to[i] = v > 0.0f ? v : 0.0f; }
                else
                    for (int i = 0; i < len; i++) to[i] = from[(size_t)i * stride + ch];
            }
        }
}

void mien_channel_mean(const float *values, int n, int plane, int c, int stride, float *out) {
    for (int b = 0; b < n; b++) {
        float *sum = out + (size_t)b * c;
        for (int ch = 0; ch < c; ch++) sum[ch] = 0.0f;
        for (int p = 0; p < plane; p++) {
            const float *v = values + ((size_t)b * plane + p) * stride;
            for (int ch = 0; ch < c; ch++) sum[ch] += v[ch];
        }
        for (int ch = 0; ch < c; ch++) sum[ch] /= (float)plane;
    }
}

void mien_block_finish(float *body, const float *skip, const uint8_t *x, int x_stride, float x_scale,
                       const float *gates, int n, int plane, int c, int stride, uint8_t *out, float out_scale) {
    for (int b = 0; b < n; b++)
        for (int p = 0; p < plane; p++) {
            size_t at = ((size_t)b * plane + p) * stride;
            const float *gate = gates ? gates + (size_t)b * c : NULL;
            const uint8_t *xp = x + ((size_t)b * plane + p) * x_stride;
            for (int ch = 0; ch < c; ch++) {
                float residual = skip ? skip[at + ch] : (float)xp[ch] * x_scale;
                float gated = gate ? body[at + ch] * gate[ch] : body[at + ch];
                float y = gated + residual;
                y = y > 0.0f ? y : 0.0f;
                if (out) out[at + ch] = quantize(y, out_scale); else body[at + ch] = y;
            }
        }
}
