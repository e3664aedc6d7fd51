#ifndef MIEN_CFFMPEG_SHIM_H
#define MIEN_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

/* Swift cannot import function-like macros; these wrap the ones Mien needs. */

static inline int mien_averror(int posix_errno) { return AVERROR(posix_errno); }
static inline int mien_averror_eof(void) { return AVERROR_EOF; }
static inline int mien_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int mien_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int mien_averror_protocol_not_found(void) { return AVERROR_PROTOCOL_NOT_FOUND; }
static inline int64_t mien_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int mien_av_time_base(void) { return AV_TIME_BASE; }

/* The stream's display matrix (9 int32), or NULL when the container has none. */
static inline const int32_t *mien_stream_display_matrix(const AVStream *st) {
    size_t size = 0;
    const uint8_t *sd = av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, &size);
    return (sd && size >= 9 * sizeof(int32_t)) ? (const int32_t *)sd : NULL;
}

/* Log forwarding. Swift cannot receive a va_list in a C callback, so this
 * callback formats each line in C and hands it to mien_log_line, which the
 * MienMedia module defines in Swift (@_cdecl). */
void mien_log_line(int level, const char *line);

static inline void mien_log_callback(void *object, int level, const char *format, va_list arguments) {
    if (level > av_log_get_level()) return;
    char text[1024];
    int used = 0;
    if (object) {
        const AVClass *avc = *(const AVClass **)object;
        if (avc && avc->item_name) used = snprintf(text, sizeof text, "%s: ", avc->item_name(object));
        if (used < 0 || used >= (int)sizeof text) used = 0;
    }
    vsnprintf(text + used, sizeof text - used, format, arguments);
    mien_log_line(level, text);
}

static inline void mien_install_log_callback(void) { av_log_set_callback(mien_log_callback); }

#endif
