/* One memory access that may fault, done safely: a SIGBUS or SIGSEGV
 * during it is caught (sigsetjmp/siglongjmp), recorded and returned
 * instead of killing the program. The handler is installed only around
 * the access and the previous handlers are put back afterwards; it only
 * records si_signo, si_code and si_addr and jumps back, it never draws or
 * allocates. Not for use from several threads at once. */
#ifndef MMAPLAB_FAULT_GUARD_H
#define MMAPLAB_FAULT_GUARD_H

#include <stddef.h>

struct fault_info {
    int signo;      /* 0: no fault; SIGBUS or SIGSEGV */
    int code;       /* si_code: BUS_ADRERR, SEGV_ACCERR, SEGV_MAPERR, ... */
    void *addr;     /* si_addr: the faulting address */
};

/* Read (write == 0) or write (write != 0, storing `value`) one byte at p.
 * The byte read (or the byte written) is stored in *got. Returns 0 when the
 * access completed, -1 when it faulted (*fi says how). */
int guarded_access(volatile unsigned char *p, int write, unsigned char value, unsigned char *got,
                   struct fault_info *fi);

/* "BUS_ADRERR", "SEGV_ACCERR", ... for a signal and si_code. */
const char *fault_code_name(int signo, int code);

#endif
