/*
 * 512-d float dot products over random pairs of N vectors, for SECONDS: the store's HNSW build's inner loop, without a
 * JVM (no JIT, no GC), so two copies at once on the two CPUs show what the CPUs themselves cost each other.
 * Usage: dots SECONDS N (N 16: in cache; 500000: 1 GB, a 500k shard's vectors)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define DIM 512

static double since(const struct timespec *start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double) (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: dots SECONDS N\n");
        return 2;
    }
    double seconds = atof(argv[1]);
    long n = atol(argv[2]);
    float *vectors = malloc(sizeof(float) * DIM * n);
    if (vectors == NULL) {
        fprintf(stderr, "cannot allocate %ld vectors\n", n);
        return 1;
    }
    for (long i = 0; i < DIM * n; i++) {
        vectors[i] = (float) (i % 7);
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned long state = 88172645463325252UL;
    unsigned long rounds = 0;
    double sum = 0;
    do {
        for (int k = 0; k < 10000; k++) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            const float *a = vectors + (state % n) * DIM;
            const float *b = vectors + ((state >> 20) % n) * DIM;
            float dot = 0;
            for (int j = 0; j < DIM; j++) {
                dot += a[j] * b[j];
            }
            sum += dot;
        }
        rounds++;
    } while (since(&start) < seconds);
    /* The sum is printed so the compiler cannot drop the loop. */
    printf("%.2f M dots/s (checksum %d)\n", rounds * 0.01 / since(&start), sum > 0);
    return 0;
}
