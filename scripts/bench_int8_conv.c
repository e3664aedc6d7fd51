// Side-by-side timing of expression-net's int8 convolutions: Mien's kernels
// (Sources/CMienQuant, compiled into this program) against oneDNN's int8
// convolution primitive (Debian's libdnnl-dev 2.6.3), same shapes, same
// uint8 NHWC activations and int8 per-channel weights, one thread.
// Built and run by scripts/bench-int8-conv.sh; not part of the product.
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mien_qconv.h"

#define CHECK(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { \
    fprintf(stderr, "%s:%d: %s failed (%d)\n", __FILE__, __LINE__, #call, (int)s_); exit(1); } } while (0)

typedef struct { const char *name; int cin, h, cout, k, stride, pad; } shape;

static const shape shapes[] = {
    {"block1.conv1/conv2 24->24 @48", 24, 48, 24, 3, 1, 1},
    {"block2.conv1 24->48 s2 @48", 24, 48, 48, 3, 2, 1},
    {"block2.conv2 48->48 @24", 48, 24, 48, 3, 1, 1},
    {"block3.conv1 48->112 s2 @24", 48, 24, 112, 3, 2, 1},
    {"block3.conv2 112->112 @12", 112, 12, 112, 3, 1, 1},
    {"block4.conv1 112->240 s2 @12", 112, 12, 240, 3, 2, 1},
    {"block4.conv2 240->240 @6", 240, 6, 240, 3, 1, 1},
    {"block4.shortcut 112->240 1x1 s2 @12", 112, 12, 240, 1, 2, 0},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/// Median of `runs` timings of fn(arg), in seconds.
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static double median_time(void (*fn)(void *), void *arg, int runs) {
    double t[64];
    fn(arg);
    for (int i = 0; i < runs; i++) { double s = now(); fn(arg); t[i] = now() - s; }
    qsort(t, runs, sizeof(double), cmp);
    return t[runs / 2];
}

typedef struct {
    mien_qconv conv; const uint8_t *in; int n, h, w, in_stride; uint8_t *out; int out_stride; mien_qconv_path path; uint8_t *scratch;
} mien_call;
static void run_mien(void *p) {
    mien_call *c = p;
    mien_qconv_run(&c->conv, c->in, c->n, c->h, c->w, c->in_stride, c->out, c->out_stride, 0, c->path, c->scratch);
}

typedef struct { dnnl_primitive_t prim; dnnl_stream_t stream; int nargs; dnnl_exec_arg_t args[4]; } dnnl_call;
static void run_dnnl(void *p) {
    dnnl_call *c = p;
    CHECK(dnnl_primitive_execute(c->prim, c->stream, c->nargs, c->args));
    CHECK(dnnl_stream_wait(c->stream));
}

int main(int argc, char **argv) {
    int batches[] = {64, 1};
    int runs = argc > 1 ? atoi(argv[1]) : 15;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    printf("int8 convolutions of expression-net, one thread, median of %d runs; VNNI on this CPU: %s\n",
           runs, mien_qconv_has_vnni() ? "yes" : "no");
    printf("%-38s %5s %10s %10s %10s %10s %8s\n", "layer", "batch", "Mien VNNI", "Mien AVX2", "portable", "oneDNN", "oneDNN/VNNI");
    double total[2][4] = {{0}};
    for (int bi = 0; bi < 2; bi++) {
        int n = batches[bi];
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            shape sh = shapes[s];
            int h = sh.h, w = sh.h, oh = (h + 2 * sh.pad - sh.k) / sh.stride + 1, ow = oh;
            int in_stride = (sh.cin + 15) / 16 * 16, out_stride = (sh.cout + 15) / 16 * 16;
            size_t wcount = (size_t)sh.cout * sh.cin * sh.k * sh.k;
            int8_t *weights = malloc(wcount);
            for (size_t i = 0; i < wcount; i++) weights[i] = (int8_t)((rand() % 255) - 127);
            uint8_t *in = malloc((size_t)n * h * w * in_stride);
            for (size_t i = 0; i < (size_t)n * h * w * in_stride; i++) in[i] = (uint8_t)(rand() % 256);
            float *mult = calloc(out_stride, sizeof(float)), *off = calloc(out_stride, sizeof(float));
            for (int c = 0; c < sh.cout; c++) { mult[c] = 1e-3f * (1 + c % 7); off[c] = (float)(c % 5); }
            // Mien
            int8_t *packed = malloc(mien_qconv_packed_size(sh.cout, sh.cin, sh.k, sh.k));
            mien_qconv_pack(weights, sh.cout, sh.cin, sh.k, sh.k, packed);
            mien_call mc = {{sh.cin, sh.cout, sh.k, sh.k, sh.stride, sh.pad, (sh.cin + 3) / 4, (sh.cout + 15) / 16, packed, mult, off},
                            in, n, h, w, in_stride, malloc((size_t)n * oh * ow * out_stride), out_stride, MIEN_QCONV_AUTO, NULL};
            mc.scratch = malloc(mien_qconv_scratch_size(&mc.conv, h, w, in_stride));
            double t_vnni = -1, t_avx2 = -1, t_port;
            if (mien_qconv_has_vnni()) { mc.path = MIEN_QCONV_VNNI; t_vnni = median_time(run_mien, &mc, runs); }
            if (mien_qconv_has_avx2()) { mc.path = MIEN_QCONV_AVX2; t_avx2 = median_time(run_mien, &mc, runs); }
            mc.path = MIEN_QCONV_PORTABLE;
            t_port = median_time(run_mien, &mc, n == 1 ? runs : 1);
            // oneDNN: src u8 NHWC (padded channel stride as Mien's), weights s8 in the primitive's layout,
            // dst u8 NHWC, bias f32, per-channel output scales.
            dnnl_memory_desc_t src_md, wei_md, wei_any, bia_md, dst_md;
            dnnl_dims_t src_dims = {n, sh.cin, h, w}, wei_dims = {sh.cout, sh.cin, sh.k, sh.k}, bia_dims = {sh.cout},
                        dst_dims = {n, sh.cout, oh, ow};
            CHECK(dnnl_memory_desc_init_by_tag(&src_md, 4, src_dims, dnnl_u8, dnnl_nhwc));
            CHECK(dnnl_memory_desc_init_by_tag(&wei_md, 4, wei_dims, dnnl_s8, dnnl_oihw));
            CHECK(dnnl_memory_desc_init_by_tag(&wei_any, 4, wei_dims, dnnl_s8, dnnl_format_tag_any));
            CHECK(dnnl_memory_desc_init_by_tag(&bia_md, 1, bia_dims, dnnl_f32, dnnl_x));
            CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 4, dst_dims, dnnl_u8, dnnl_nhwc));
            dnnl_convolution_desc_t cd;
            dnnl_dims_t strides = {sh.stride, sh.stride}, pad = {sh.pad, sh.pad};
            CHECK(dnnl_convolution_forward_desc_init(&cd, dnnl_forward_inference, dnnl_convolution_direct,
                                                     &src_md, &wei_any, &bia_md, &dst_md, strides, pad, pad));
            dnnl_primitive_attr_t attr;
            CHECK(dnnl_primitive_attr_create(&attr));
            CHECK(dnnl_primitive_attr_set_output_scales(attr, sh.cout, 1 << 1, mult));
            dnnl_primitive_desc_t pd;
            CHECK(dnnl_primitive_desc_create(&pd, &cd, attr, engine, NULL));
            const char *impl;
            CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl));
            const dnnl_memory_desc_t *wei_chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
            dnnl_memory_t src_m, wei_user, wei_m, bia_m, dst_m;
            uint8_t *dst = malloc((size_t)n * oh * ow * sh.cout);
            float *bias = malloc(sh.cout * sizeof(float));
            for (int c = 0; c < sh.cout; c++) bias[c] = off[c] / mult[c];
            uint8_t *in_dense = malloc((size_t)n * h * w * sh.cin);
            for (size_t p = 0; p < (size_t)n * h * w; p++) memcpy(in_dense + p * sh.cin, in + p * in_stride, sh.cin);
            CHECK(dnnl_memory_create(&src_m, &src_md, engine, in_dense));
            CHECK(dnnl_memory_create(&wei_user, &wei_md, engine, weights));
            CHECK(dnnl_memory_create(&wei_m, wei_chosen, engine, DNNL_MEMORY_ALLOCATE));
            CHECK(dnnl_memory_create(&bia_m, &bia_md, engine, bias));
            CHECK(dnnl_memory_create(&dst_m, &dst_md, engine, dst));
            dnnl_primitive_desc_t rpd;
            CHECK(dnnl_reorder_primitive_desc_create(&rpd, &wei_md, engine, wei_chosen, engine, NULL));
            dnnl_primitive_t reorder;
            CHECK(dnnl_primitive_create(&reorder, rpd));
            dnnl_exec_arg_t rargs[2] = {{DNNL_ARG_FROM, wei_user}, {DNNL_ARG_TO, wei_m}};
            CHECK(dnnl_primitive_execute(reorder, stream, 2, rargs));
            CHECK(dnnl_stream_wait(stream));
            dnnl_call dc = {NULL, stream, 4, {{DNNL_ARG_SRC, src_m}, {DNNL_ARG_WEIGHTS, wei_m}, {DNNL_ARG_BIAS, bia_m}, {DNNL_ARG_DST, dst_m}}};
            CHECK(dnnl_primitive_create(&dc.prim, pd));
            double t_dnnl = median_time(run_dnnl, &dc, runs);
            // The two must agree up to oneDNN's own rounding of (acc + bias) * scale (not bit-exact by design).
            int far = 0;
            for (size_t p = 0; p < (size_t)n * oh * ow; p++)
                for (int c = 0; c < sh.cout; c++) {
                    int d = (int)mc.out[p * out_stride + c] - (int)dst[p * sh.cout + c];
                    if (d > 1 || d < -1) far++;
                }
            printf("%-38s %5d %8.3f ms %8.3f ms %8.3f ms %8.3f ms %7.2fx  %s%s\n", sh.name, n, t_vnni * 1e3, t_avx2 * 1e3, t_port * 1e3, t_dnnl * 1e3,
                   t_dnnl / (t_vnni > 0 ? t_vnni : t_port), impl, far ? "  (OUTPUTS DIFFER BY MORE THAN 1)" : "");
            double count = (sh.name[7] == '1' && sh.k == 3 && sh.stride == 1) ? 2 : 1;   // block1 has two such convolutions
            total[bi][0] += count * t_vnni; total[bi][1] += count * t_avx2; total[bi][2] += count * t_port; total[bi][3] += count * t_dnnl;
            dnnl_primitive_destroy(dc.prim); dnnl_primitive_destroy(reorder); dnnl_primitive_desc_destroy(rpd);
            dnnl_primitive_desc_destroy(pd); dnnl_primitive_attr_destroy(attr);
            dnnl_memory_destroy(src_m); dnnl_memory_destroy(wei_user); dnnl_memory_destroy(wei_m);
            dnnl_memory_destroy(bia_m); dnnl_memory_destroy(dst_m);
            free(weights); free(in); free(in_dense); free(mult); free(off); free(packed); free(mc.out); free(mc.scratch);
            free(dst); free(bias);
        }
        printf("%-38s %5d %8.3f ms %8.3f ms %8.3f ms %8.3f ms %7.2fx  (all int8 convolutions of one batch)\n\n", "total", n,
               total[bi][0] * 1e3, total[bi][1] * 1e3, total[bi][2] * 1e3, total[bi][3] * 1e3, total[bi][3] / total[bi][0]);
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
    return 0;
}
