// Row-streamed stem, separable units and pools: see include/mien_rowstream.h.
//
// Each stage keeps its last few output rows in a ring ([channels][ring][width],
// row r in slot r % ring) and makes rows in order when the next stage asks for
// them. A ring is as deep as its consumer looks back: 3 rows under the stride-2
// stem, 2 under a pool, 1 under a separable unit (whose pointwise step takes one
// input row at a time into a 3-row ring of its own). The last stage writes the
// whole output map.
#include "mien_rowstream.h"
#include "mien_fconv_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum { STAGE_PIXELS, STAGE_STEM, STAGE_SEPARABLE, STAGE_POOL } stage_kind;

typedef struct stage {
    stage_kind kind;
    struct stage *input;
    int channels, width, height;   // this stage's output map
    int ring;                      // rows kept; == height for the last stage
    float *rows;                   // [channels][ring][width]
    int made;                      // rows made so far
    const mien_row_layer *layer;   // separable units and pools
    float *pw_rows;                // separable: [out_channels][3][width], pointwise rows
    int pw_made;
    // The stem: weights, and the unfolded windows of one output row [27][width].
    const float *stem_weight, *stem_bias;
    float *columns;
} stage;

typedef struct {
    const uint8_t *pixels;
    int planar, width, height;   // the image itself (unpadded)
    mien_fconv_path path;
} context;

static void make_row(const context *ctx, stage *s, int r);

/// Row r of channel 0 of stage s, or NULL outside its map (zero padding);
/// channels are s->ring * s->width floats apart. Makes rows up to r first.
static const float *row_of(const context *ctx, stage *s, int r) {
    if (r < 0 || r >= s->height) return NULL;
    while (s->made <= r) make_row(ctx, s, s->made++);
    return s->rows + (long)(r % s->ring) * s->width;
}

static void make_pixels(const context *ctx, stage *s, int r) {
    long plane = (long)s->ring * s->width;
    float *out = s->rows + (long)(r % s->ring) * s->width;
    for (int c = 0; c < 3; c++) {
        float *dst = out + c * plane;
        int x = 0;
        if (r < ctx->height) {
            if (ctx->planar) {
                const uint8_t *src = ctx->pixels + ((long)c * ctx->height + r) * ctx->width;
                for (; x < ctx->width; x++) dst[x] = (float)src[x];
            } else {
                const uint8_t *src = ctx->pixels + (long)r * ctx->width * 3 + c;
                for (; x < ctx->width; x++) dst[x] = (float)src[3 * x];
            }
        }
        for (; x < s->width; x++) dst[x] = 0.0f;
    }
}

static void make_stem(const context *ctx, stage *s, int r) {
    stage *in = s->input;
    long in_plane = (long)in->ring * in->width;
    int w = s->width;
    // Unfolded windows, rows ordered channel, ky, kx (the weights' order), as Im2Col
    // writes them. The input is exactly twice as wide, so window column kx of output
    // column x is input column 2x - 1 + kx: the odd column before (kx = 0, zero at
    // x = 0), the even one (kx = 1) and the odd one (kx = 2).
    for (int ky = 0; ky < 3; ky++) {
        const float *src = row_of(ctx, in, 2 * r - 1 + ky);
        for (int c = 0; c < 3; c++) {
            float *before = s->columns + (long)((c * 3 + ky) * 3) * w, *even = before + w, *odd = even + w;
            if (!src) { memset(before, 0, sizeof(float) * 3 * w); continue; }
            const float *line = src + c * in_plane;
            for (int x = 0; x < w; x++) {
                even[x] = line[2 * x];
                odd[x] = line[2 * x + 1];
            }
            before[0] = 0.0f;
            memcpy(before + 1, odd, sizeof(float) * (w - 1));
        }
    }
    mien_fconv_pointwise_rows(ctx->path, s->stem_weight, s->stem_bias, s->channels, 27, s->columns, w,
                              s->rows + (long)(r % s->ring) * w, (long)s->ring * w, w, 1);
}

static void make_separable(const context *ctx, stage *s, int r) {
    const mien_row_layer *l = s->layer;
    stage *in = s->input;
    int w = s->width;
    long pw_plane = 3L * w;
    // Pointwise rows up to r + 1, one input row each.
    int need = r + 1 < s->height ? r + 1 : s->height - 1;
    while (s->pw_made <= need) {
        int i = s->pw_made++;
        const float *x = row_of(ctx, in, i);
        mien_fconv_pointwise_rows(ctx->path, l->pw_weight, l->pw_bias, l->out_channels, l->in_channels, x,
                                  (long)in->ring * in->width, s->pw_rows + (long)(i % 3) * w, pw_plane, w, 0);
    }
    mien_fconv_depthwise_ring_row(ctx->path, s->pw_rows, l->out_channels, r, s->height, w, l->dw_taps, l->dw_bias, l->relu,
                                  s->rows + (long)(r % s->ring) * w, (long)s->ring * w);
}

static void make_pool(const context *ctx, stage *s, int r) {
    stage *in = s->input;
    const float *top = row_of(ctx, in, 2 * r), *bottom = row_of(ctx, in, 2 * r + 1);
    long in_plane = (long)in->ring * in->width, plane = (long)s->ring * s->width;
    float *out = s->rows + (long)(r % s->ring) * s->width;
    for (int c = 0; c < s->channels; c++) {
        const float *a = top + c * in_plane, *b = bottom + c * in_plane;
        float *o = out + c * plane;
        // As MaxPool2D: each row's pair as `even > odd ? even : odd`, then `lower > upper ? lower : upper`.
        for (int x = 0; x < s->width; x++) {
            float e0 = a[2 * x], o0 = a[2 * x + 1], e1 = b[2 * x], o1 = b[2 * x + 1];
            float m0 = e0 > o0 ? e0 : o0, m1 = e1 > o1 ? e1 : o1;
            o[x] = m1 > m0 ? m1 : m0;
        }
    }
}

static void make_row(const context *ctx, stage *s, int r) {
    switch (s->kind) {
    case STAGE_PIXELS: make_pixels(ctx, s, r); break;
    case STAGE_STEM: make_stem(ctx, s, r); break;
    case STAGE_SEPARABLE: make_separable(ctx, s, r); break;
    case STAGE_POOL: make_pool(ctx, s, r); break;
    }
}

/// Rows a stage must keep for the stage after it.
static int ring_for(stage_kind consumer) {
    switch (consumer) {
    case STAGE_STEM: return 3;
    case STAGE_POOL: return 2;
    default: return 1;
    }
}

int mien_rowstream_f32(const uint8_t *pixels, int planar, int width, int height, int padded_width, int padded_height,
                       const float *stem_weight, const float *stem_bias, int stem_channels,
                       const mien_row_layer *layers, int count, float *out, mien_fconv_path path) {
    int n = count + 2;
    stage *stages = calloc((size_t)n, sizeof(stage));
    if (!stages) return -1;
    stages[0] = (stage){.kind = STAGE_PIXELS, .channels = 3, .width = padded_width, .height = padded_height};
    stages[1] = (stage){.kind = STAGE_STEM, .channels = stem_channels, .width = padded_width / 2,
                        .height = padded_height / 2, .stem_weight = stem_weight, .stem_bias = stem_bias};
    for (int i = 0; i < count; i++) {
        const stage *prev = &stages[i + 1];
        int pool = layers[i].kind == MIEN_ROW_MAXPOOL2;
        stages[i + 2] = (stage){.kind = pool ? STAGE_POOL : STAGE_SEPARABLE, .layer = &layers[i],
                                .channels = layers[i].out_channels, .width = pool ? prev->width / 2 : prev->width,
                                .height = pool ? prev->height / 2 : prev->height};
    }
    int failed = 0;
    for (int i = 0; i < n; i++) {
        stage *s = &stages[i];
        if (i > 0) s->input = &stages[i - 1];
        s->ring = i + 1 < n ? ring_for(stages[i + 1].kind) : s->height;
        s->rows = i + 1 < n ? malloc(sizeof(float) * (size_t)s->channels * s->ring * s->width) : out;
        if (s->kind == STAGE_SEPARABLE) s->pw_rows = malloc(sizeof(float) * (size_t)s->channels * 3 * s->width);
        if (s->kind == STAGE_STEM) s->columns = malloc(sizeof(float) * 27 * (size_t)s->width);
        if (!s->rows || (s->kind == STAGE_SEPARABLE && !s->pw_rows) || (s->kind == STAGE_STEM && !s->columns)) failed = 1;
    }
    if (!failed) {
        context ctx = {.pixels = pixels, .planar = planar, .width = width, .height = height,
                       .path = mien_fconv_resolve(path)};
        stage *last = &stages[n - 1];
        row_of(&ctx, last, last->height - 1);
    }
    for (int i = 0; i < n; i++) {
        if (i + 1 < n) free(stages[i].rows);
        free(stages[i].pw_rows);
        free(stages[i].columns);
    }
    free(stages);
    return failed ? -1 : 0;
}
