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

void mien_quantize_nchw(const float *x, int n, int c, int plane, float scale, uint8_t *out, int stride) {
    for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++) {
            const float *from = x + ((size_t)b * c + ch) * plane;
            uint8_t *to = out + (size_t)b * plane * stride + ch;
            for (int p = 0; p < plane; p++) to[(size_t)p * stride] = quantize(from[p], scale);
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
