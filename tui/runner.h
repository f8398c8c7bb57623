/* Run a trusted helper program (bats) and capture what it prints. */
#ifndef MMAPLAB_RUNNER_H
#define MMAPLAB_RUNNER_H

#include "errors.h"

/* Runs argv[0] (searched in PATH) with extra "NAME=value" strings added to
 * the environment. Standard output and standard error are both captured
 * into *out (NUL-terminated, heap). *wstatus receives the wait status. */
mm_status run_capture(char *const argv[], char *const env_add[], char **out, int *wstatus);

#endif
