# Shared build rules for every lab. A lab's Makefile names its programs in
# PROGS and includes this file, so students and the test harness build with
# the same flags. The harness overrides CC and EXTRA_CFLAGS (sanitizers) from
# the command line; nothing else should need changing.
CC      ?= cc
CFLAGS  ?= -std=c11 -Wall -Wextra -Werror -O1 -g
EXTRA_CFLAGS ?=
LDLIBS  ?=

all: $(PROGS)

# Every program is one .c file; a lab may add shared headers to HEADERS.
%: %.c $(HEADERS)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $< $(LDLIBS)

clean:
	rm -f $(PROGS)

.PHONY: all clean
