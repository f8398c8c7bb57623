/* Catching the SIGBUS or SIGSEGV of one access: see fault_guard.h. */
#include "fault_guard.h"

#include <setjmp.h>
#include <signal.h>
#include <string.h>

/* A signal handler can reach only globals: the jump target and what the
 * fault was. Set just before the access, cleared just after. */
static sigjmp_buf *volatile guard_jump;
static volatile sig_atomic_t guard_signo;
static volatile sig_atomic_t guard_code;
static void *volatile guard_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    sigjmp_buf *jb = guard_jump;
    if (!jb) {
        /* Not ours (cannot happen while installed only around an access):
         * fall back to the default action. */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    guard_signo = sig;
    guard_code = si->si_code;
    guard_addr = si->si_addr;
    siglongjmp(*jb, 1);
}

int guarded_access(volatile unsigned char *p, int write, unsigned char value, unsigned char *got,
                   struct fault_info *fi)
{
    struct sigaction sa, old_bus, old_segv;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    memset(fi, 0, sizeof *fi);
    if (sigaction(SIGBUS, &sa, &old_bus) != 0) return -1;
    if (sigaction(SIGSEGV, &sa, &old_segv) != 0) {
        sigaction(SIGBUS, &old_bus, NULL);
        return -1;
    }
    sigjmp_buf jb;
    volatile int faulted = 0;
    volatile unsigned char byte = value;
    guard_signo = 0;
    if (sigsetjmp(jb, 1) == 0) {
        guard_jump = &jb;
        if (write) *p = value;
        else byte = *p;
    } else {
        faulted = 1;
    }
    guard_jump = NULL;
    sigaction(SIGBUS, &old_bus, NULL);
    sigaction(SIGSEGV, &old_segv, NULL);
    if (faulted) {
        fi->signo = guard_signo;
        fi->code = guard_code;
        fi->addr = guard_addr;
        return -1;
    }
    if (got) *got = byte;
    return 0;
}

const char *fault_code_name(int signo, int code)
{
    if (signo == SIGBUS) {
        switch (code) {
        case BUS_ADRALN: return "BUS_ADRALN";
        case BUS_ADRERR: return "BUS_ADRERR";
        case BUS_OBJERR: return "BUS_OBJERR";
        default: break;
        }
    } else if (signo == SIGSEGV) {
        switch (code) {
        case SEGV_MAPERR: return "SEGV_MAPERR";
        case SEGV_ACCERR: return "SEGV_ACCERR";
        default: break;
        }
    }
    return "?";
}
