// The row pieces of mien_fconv.c that mien_rowstream.c builds on (not public API).
#ifndef MIEN_FCONV_INTERNAL_H
#define MIEN_FCONV_INTERNAL_H

#include "mien_fconv.h"

/// The path `path` resolves to on this CPU (AUTO and missing paths resolved).
mien_fconv_path mien_fconv_resolve(mien_fconv_path path);

/// y[o][p] (rows ldy apart) = bias[o] + sum_i w[o][i] * x[i][p] (rows ldx apart), p < positions.
void mien_fconv_pointwise_rows(mien_fconv_path path, const float *w, const float *bias, int m, int k,
                               const float *x, long ldx, float *y, long ldy, long positions, int relu);

/// One output row of a 3x3 depthwise convolution from three input rows (NULL: zeros).
void mien_fconv_depthwise_row(mien_fconv_path path, const float *const rows[3], int w, const float *taps,
                              float bias, float *out, int relu);

/// Output row r of a separable unit's depthwise step, every channel, from its pointwise
/// rows in a 3-row ring (pw_rows [channels][3][width], row i in slot i % 3; rows outside
/// 0 ..< height are zeros). Channel c's row goes to out + c * out_plane.
void mien_fconv_depthwise_ring_row(mien_fconv_path path, const float *pw_rows, int channels, int r, int height, int width,
                                   const float *taps, const float *bias, int relu, float *out, long out_plane);

#endif
