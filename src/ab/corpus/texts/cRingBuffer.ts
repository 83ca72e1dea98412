import type {CorpusDocument} from "../corpusDocument";

export const cRingBuffer: CorpusDocument = {
    name: "ringbuf.c",
    kind: "code",
    language: "c",
    text: String.raw`/* A fixed-size ring buffer of bytes for one producer and one consumer, plus a line reader
 * built on top of it. The capacity must be a power of two so wrapping is a mask. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t capacity;
    size_t head; /* next byte to write */
    size_t tail; /* next byte to read */
} ringbuf;

static bool is_power_of_two(size_t n) {
    return n != 0 && (n & (n - 1)) == 0;
}

int ringbuf_init(ringbuf *rb, size_t capacity) {
    if (!is_power_of_two(capacity)) {
        return EINVAL;
    }
    rb->data = malloc(capacity);
    if (rb->data == NULL) {
        return ENOMEM;
    }
    rb->capacity = capacity;
    rb->head = 0;
    rb->tail = 0;
    return 0;
}

void ringbuf_free(ringbuf *rb) {
    free(rb->data);
    rb->data = NULL;
    rb->capacity = 0;
}

size_t ringbuf_used(const ringbuf *rb) {
    return rb->head - rb->tail;
}

size_t ringbuf_free_space(const ringbuf *rb) {
    return rb->capacity - ringbuf_used(rb);
}

size_t ringbuf_write(ringbuf *rb, const void *src, size_t len) {
    const uint8_t *bytes = src;
    size_t n = len < ringbuf_free_space(rb) ? len : ringbuf_free_space(rb);
    size_t mask = rb->capacity - 1;
    for (size_t i = 0; i < n; i++) {
        rb->data[(rb->head + i) & mask] = bytes[i];
    }
    rb->head += n;
    return n;
}

size_t ringbuf_read(ringbuf *rb, void *dst, size_t len) {
    uint8_t *bytes = dst;
    size_t n = len < ringbuf_used(rb) ? len : ringbuf_used(rb);
    size_t mask = rb->capacity - 1;
    for (size_t i = 0; i < n; i++) {
        bytes[i] = rb->data[(rb->tail + i) & mask];
    }
    rb->tail += n;
    return n;
}

/* Returns the offset of the first newline after the tail, or -1 when there is none yet. */
static long find_newline(const ringbuf *rb) {
    size_t mask = rb->capacity - 1;
    for (size_t i = 0; i < ringbuf_used(rb); i++) {
        if (rb->data[(rb->tail + i) & mask] == '\n') {
            return (long)i;
        }
    }
    return -1;
}

/* Copies one line (without the newline) into out, which holds out_len bytes including the
 * terminating zero. Returns the line length, 0 when no full line is buffered yet, or -1 when
 * the line does not fit. */
long ringbuf_read_line(ringbuf *rb, char *out, size_t out_len) {
    long at = find_newline(rb);
    if (at < 0) {
        return 0;
    }
    if ((size_t)at + 1 > out_len) {
        return -1;
    }
    ringbuf_read(rb, out, (size_t)at);
    out[at] = '\0';
    char newline;
    ringbuf_read(rb, &newline, 1);
    return at;
}

int main(void) {
    ringbuf rb;
    if (ringbuf_init(&rb, 64) != 0) {
        fprintf(stderr, "cannot allocate the buffer\n");
        return 1;
    }
    const char *chunks[] = {"first li", "ne\nsecond line\nthi", "rd line\n"};
    char line[32];
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        size_t written = ringbuf_write(&rb, chunks[i], strlen(chunks[i]));
        if (written < strlen(chunks[i])) {
            fprintf(stderr, "buffer full, dropped %zu bytes\n", strlen(chunks[i]) - written);
        }
        long n;
        while ((n = ringbuf_read_line(&rb, line, sizeof line)) > 0) {
            printf("line (%ld bytes): %s\n", n, line);
        }
        if (n < 0) {
            fprintf(stderr, "a line is longer than %zu bytes\n", sizeof line - 1);
            break;
        }
    }
    ringbuf_free(&rb);
    return 0;
}
`
};
