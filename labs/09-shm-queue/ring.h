/*
 * ring.h - the layout of the shared ring used by shmq (lab 09-shm-queue).
 *
 * Provided: do not edit. The grader always builds your shmq.c against this
 * copy, so both sides of the queue agree on every byte of the layout.
 *
 * The shared memory object holds one struct ring:
 *
 *   offset 0    head      _Atomic uint64_t   written only by the producer
 *   offset 64   tail      _Atomic uint64_t   written only by the consumer
 *   offset 128  capacity  uint64_t           written once, before fork
 *   offset 136  slot[capacity]               struct msg, 16 bytes each
 *
 * head and tail are free-running counters, not slot numbers: head is how
 * many messages the producer has ever pushed, tail how many the consumer has
 * ever popped. So
 *
 *   head - tail            messages in the ring (0 = empty, capacity = full)
 *   slot[n & (capacity-1)] where message number n lives (capacity is a power
 *                          of two, so the mask is the remainder)
 *
 * 64-bit counters never wrap in practice (2^64 messages), and even if they
 * did, unsigned subtraction would still give the right distance.
 *
 * Each counter sits on its own 64-byte cache line: the producer stores head
 * millions of times a second, the consumer stores tail, and if both lived on
 * one line every store by one side would steal the line from the other.
 */
#ifndef SHMQ_RING_H
#define SHMQ_RING_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Slots in the ring. A power of two; 1024 x 16 bytes = 16 KiB of slots. */
#define RING_CAPACITY 1024u

/* One message. The producer sends seq = 0, 1, 2, ... and check =
 * msg_check(seq). A slot read too early (before the producer filled it) or
 * half-written holds a seq and a check that do not belong together. */
struct msg {
    uint64_t seq;
    uint64_t check;
};

struct ring {
    _Alignas(64) _Atomic uint64_t head; /* messages pushed so far (producer) */
    _Alignas(64) _Atomic uint64_t tail; /* messages popped so far (consumer) */
    _Alignas(64) uint64_t capacity;     /* RING_CAPACITY, set by the creator */
    struct msg slot[];                  /* capacity slots */
};

/* Bytes of shared memory a ring with `capacity` slots needs: the size to
 * give the object (ftruncate) and the length to map. */
static inline size_t ring_bytes(uint64_t capacity)
{
    return offsetof(struct ring, slot) + (size_t)capacity * sizeof(struct msg);
}

/* The check value of message seq: a 64-bit mix (splitmix64's finaliser), so
 * that no two nearby messages share bits by accident, and msg_check(0) != 0,
 * so that a slot never written (all zero bytes) fails the check too. */
static inline uint64_t msg_check(uint64_t seq)
{
    uint64_t x = seq + 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* Atomics are shared between processes only if they are lock-free: a
 * non-lock-free atomic is emulated with a lock inside this process's
 * library, which the other process cannot see. On 64-bit Linux systems
 * 64-bit atomics are lock-free; refuse to build anywhere they are not. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2,
               "64-bit atomics must be lock-free to work across processes");

#endif
