/*
 * utf8_decode.c - incremental UTF-8 decoding that tolerates input split at
 * any byte, as network reads deliver it.
 *
 * Invalid sequences decode to U+FFFD, one replacement per maximal invalid
 * subpart (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal Subparts").
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define REPLACEMENT 0xFFFDu

typedef struct {
    uint32_t code_point;  /* bits collected so far */
    uint8_t needed;       /* continuation bytes still expected */
    uint8_t seen;         /* continuation bytes already consumed */
    uint8_t lower;        /* allowed range of the next byte */
    uint8_t upper;
} utf8_decoder;

typedef void (*emit_fn)(uint32_t code_point, void *context);

void utf8_reset(utf8_decoder *d)
{
    d->code_point = 0;
    d->needed = 0;
    d->seen = 0;
    d->lower = 0x80;
    d->upper = 0xBF;
}

/* Feeds one byte; calls emit for each completed code point. */
static void utf8_byte(utf8_decoder *d, uint8_t byte, emit_fn emit, void *context)
{
    if (d->needed == 0) {
        if (byte <= 0x7F) {
            emit(byte, context);
        } else if (byte >= 0xC2 && byte <= 0xDF) {
            d->needed = 1;
            d->code_point = byte & 0x1F;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            if (byte == 0xE0)
                d->lower = 0xA0;   /* no overlong 3-byte forms */
            if (byte == 0xED)
                d->upper = 0x9F;   /* no surrogates */
            d->needed = 2;
            d->code_point = byte & 0x0F;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            if (byte == 0xF0)
                d->lower = 0x90;
            if (byte == 0xF4)
                d->upper = 0x8F;   /* nothing above U+10FFFF */
            d->needed = 3;
            d->code_point = byte & 0x07;
        } else {
            emit(REPLACEMENT, context);
        }
        return;
    }

    if (byte < d->lower || byte > d->upper) {
        /* The sequence so far is a maximal invalid subpart; this byte
         * starts over. */
        utf8_reset(d);
        emit(REPLACEMENT, context);
        utf8_byte(d, byte, emit, context);
        return;
    }

    d->lower = 0x80;
    d->upper = 0xBF;
    d->code_point = (d->code_point << 6) | (byte & 0x3F);
    if (++d->seen == d->needed) {
        uint32_t cp = d->code_point;
        utf8_reset(d);
        emit(cp, context);
    }
}

void utf8_feed(utf8_decoder *d, const uint8_t *bytes, size_t len, emit_fn emit, void *context)
{
    for (size_t i = 0; i < len; i++)
        utf8_byte(d, bytes[i], emit, context);
}

/* At end of input, an unfinished sequence becomes one U+FFFD. */
void utf8_finish(utf8_decoder *d, emit_fn emit, void *context)
{
    if (d->needed != 0)
        emit(REPLACEMENT, context);
    utf8_reset(d);
}

#ifdef UTF8_DECODE_DEMO
static void print_code_point(uint32_t cp, void *context)
{
    int *count = context;
    printf("U+%04X ", (unsigned)cp);
    (*count)++;
}

int main(void)
{
    /* "阶乘" split in the middle of its first character, then a bad byte. */
    const uint8_t part1[] = { 0xE9, 0x98 };
    const uint8_t part2[] = { 0xB6, 0xE4, 0xB9, 0x98, 0xFF, 'o', 'k' };
    utf8_decoder d;
    int count = 0;

    utf8_reset(&d);
    utf8_feed(&d, part1, sizeof part1, print_code_point, &count);
    utf8_feed(&d, part2, sizeof part2, print_code_point, &count);
    utf8_finish(&d, print_code_point, &count);
    printf("\n%d code points\n", count);
    return 0;
}
#endif
