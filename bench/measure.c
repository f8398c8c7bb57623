/* measure: run a command R times and print the median wall time in
 * milliseconds and the largest peak resident memory (KiB) of a run:
 *
 *   measure R COMMAND [ARG...]   ->  "median_ms=12.345 maxrss_kib=4321"
 *
 * The peak comes from getrusage(RUSAGE_CHILDREN) after each run, which the
 * kernel keeps as the largest peak of any waited-for child. Output of the
 * command goes to /dev/null. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: measure RUNS COMMAND [ARG...]\n");
        return 2;
    }
    long runs_arg = strtol(argv[1], NULL, 10);
    int runs = runs_arg < 1 || runs_arg > 1000 ? 1 : (int)runs_arg;
    double *ms = calloc((size_t)runs, sizeof *ms);
    if (!ms) return 1;
    for (int r = 0; r < runs; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 1);
            dup2(null, 2);
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        int st;
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "measure: %s failed\n", argv[2]);
            free(ms);
            return 1;
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ms[r] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    }
    qsort(ms, (size_t)runs, sizeof *ms, cmp);
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    printf("median_ms=%.3f maxrss_kib=%ld\n", ms[runs / 2], ru.ru_maxrss);
    free(ms);
    return 0;
}
