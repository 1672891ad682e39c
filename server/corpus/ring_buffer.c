/*
 * ring_buffer.c - a single-producer, single-consumer byte ring buffer.
 *
 * The producer (a socket reader) and the consumer (a parser) run on
 * different threads. Head and tail are only ever written by one side each,
 * so C11 acquire/release atomics are enough; no lock is taken.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t capacity;          /* always a power of two */
    _Atomic size_t head;      /* next byte to write; producer only */
    _Atomic size_t tail;      /* next byte to read; consumer only */
} ring_buffer;

static size_t next_power_of_two(size_t n)
{
    size_t p = 1;
    while (p < n) {
        if (p > SIZE_MAX / 2)
            return 0;
        p <<= 1;
    }
    return p;
}

int ring_init(ring_buffer *rb, size_t min_capacity)
{
    size_t capacity = next_power_of_two(min_capacity < 2 ? 2 : min_capacity);
    if (capacity == 0)
        return -EOVERFLOW;
    rb->data = malloc(capacity);
    if (rb->data == NULL)
        return -ENOMEM;
    rb->capacity = capacity;
    atomic_init(&rb->head, 0);
    atomic_init(&rb->tail, 0);
    return 0;
}

void ring_free(ring_buffer *rb)
{
    free(rb->data);
    rb->data = NULL;
    rb->capacity = 0;
}

/* Bytes ready to read. Safe from either thread; may be stale. */
size_t ring_used(const ring_buffer *rb)
{
    size_t head = atomic_load_explicit(&rb->head, memory_order_acquire);
    size_t tail = atomic_load_explicit(&rb->tail, memory_order_acquire);
    return head - tail;
}

size_t ring_free_space(const ring_buffer *rb)
{
    return rb->capacity - ring_used(rb);
}

/* Copies up to len bytes in; returns how many were written. */
size_t ring_write(ring_buffer *rb, const void *src, size_t len)
{
    size_t head = atomic_load_explicit(&rb->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&rb->tail, memory_order_acquire);
    size_t space = rb->capacity - (head - tail);
    size_t n = len < space ? len : space;
    size_t mask = rb->capacity - 1;
    size_t start = head & mask;
    size_t first = n < rb->capacity - start ? n : rb->capacity - start;

    memcpy(rb->data + start, src, first);
    memcpy(rb->data, (const uint8_t *)src + first, n - first);
    /* Publish the bytes before the new head becomes visible. */
    atomic_store_explicit(&rb->head, head + n, memory_order_release);
    return n;
}

/* Copies up to len bytes out; returns how many were read. */
size_t ring_read(ring_buffer *rb, void *dst, size_t len)
{
    size_t tail = atomic_load_explicit(&rb->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&rb->head, memory_order_acquire);
    size_t used = head - tail;
    size_t n = len < used ? len : used;
    size_t mask = rb->capacity - 1;
    size_t start = tail & mask;
    size_t first = n < rb->capacity - start ? n : rb->capacity - start;

    memcpy(dst, rb->data + start, first);
    memcpy((uint8_t *)dst + first, rb->data, n - first);
    atomic_store_explicit(&rb->tail, tail + n, memory_order_release);
    return n;
}

/*
 * Finds the first '\n' among the readable bytes without consuming them.
 * Returns its offset from the read position, or -1.
 */
long ring_find_newline(const ring_buffer *rb)
{
    size_t tail = atomic_load_explicit(&rb->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&rb->head, memory_order_acquire);
    size_t mask = rb->capacity - 1;
    for (size_t i = tail; i != head; i++) {
        if (rb->data[i & mask] == '\n')
            return (long)(i - tail);
    }
    return -1;
}

/* Reads one line (without its '\n') into out, NUL-terminated. */
bool ring_read_line(ring_buffer *rb, char *out, size_t out_size)
{
    long at = ring_find_newline(rb);
    if (at < 0 || (size_t)at + 1 > out_size)
        return false;
    ring_read(rb, out, (size_t)at);
    out[at] = '\0';
    char newline;
    ring_read(rb, &newline, 1);
    return true;
}

#ifdef RING_BUFFER_DEMO
int main(void)
{
    ring_buffer rb;
    if (ring_init(&rb, 16) != 0) {
        perror("ring_init");
        return 1;
    }
    const char *input = "data: {\"content\":\"hi\"}\n\ndata: [DONE]\n\n";
    size_t written = ring_write(&rb, input, strlen(input));
    printf("wrote %zu of %zu bytes (capacity %zu)\n", written, strlen(input), rb.capacity);

    char line[64];
    while (ring_read_line(&rb, line, sizeof line))
        printf("line: \"%s\"\n", line);

    ring_free(&rb);
    return 0;
}
#endif
