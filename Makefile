# mmaplab: the one entry point. `make run` opens the course, `make test` runs
# everything. Missing Debian packages are installed by scripts/deps first.

VERSION := 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/mmaplab
LIBEXECDIR = $(PREFIX)/libexec/mmaplab
MANDIR   = $(PREFIX)/share/man

CC      ?= cc
B       := build
WARN    := -std=c11 -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# Feature macros come from the command line (-D_GNU_SOURCE), never from the
# sources, so they cannot clash with the ones pkg-config adds for ncursesw.
# Evaluated when a recipe runs, after scripts/deps has installed pkg-config
# and the libraries.
PKG_CFLAGS = $(shell pkg-config --cflags ncursesw md4c libunibreak)
PKG_LIBS   = $(shell pkg-config --libs ncursesw md4c libunibreak)
DEFS    = -D_GNU_SOURCE -DMMAPLAB_VERSION='"$(VERSION)"' -DMMAPLAB_DATADIR='"$(DATADIR)"' \
          -DMMAPLAB_LIBEXECDIR='"$(LIBEXECDIR)"'

TUI_SRC  := $(sort $(wildcard tui/*.c))
LIB_SRC  := $(filter-out tui/main.c,$(TUI_SRC))
# Interface translations: po/zh.po compiled into a C table.
GEN_SRC  := $(B)/gen/po_zh.c
OBJ      := $(TUI_SRC:tui/%.c=$(B)/obj/%.o) $(B)/obj/po_zh.o
ASAN_OBJ := $(TUI_SRC:tui/%.c=$(B)/asan/obj/%.o) $(B)/asan/obj/po_zh.o
LIB_ASAN_OBJ := $(filter-out $(B)/asan/obj/main.o,$(ASAN_OBJ))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/unit/%)
TOOLS    := $(B)/tools/sandbox $(B)/tools/calltrace.so $(B)/tools/contain
LINT_BIN := $(if $(wildcard tests/lessons/lessonlint.c),$(B)/lessonlint)
# Further targets (grading packages, fuzzing, linting) live in mk/*.mk; each
# may add to TEST_DEPS what `make test` must build first.
TEST_DEPS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: all run test check clean install uninstall deps deps-test asan unit bench

all: $(B)/mmaplab $(TOOLS)

deps:
	@scripts/deps build
deps-test:
	@scripts/deps test

$(B)/gen/po_zh.c: po/zh.po scripts/po2c
	@mkdir -p $(@D)
	awk -f scripts/po2c po/zh.po > $@

$(B)/obj/po_zh.o: $(B)/gen/po_zh.c tui/i18n.h | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) -Itui -c $< -o $@

$(B)/asan/obj/po_zh.o: $(B)/gen/po_zh.c tui/i18n.h | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) -Itui -c $< -o $@

$(B)/obj/%.o: tui/%.c $(wildcard tui/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(DEFS) $(PKG_CFLAGS) -MMD -c $< -o $@

$(B)/asan/obj/%.o: tui/%.c $(wildcard tui/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(DEFS) $(PKG_CFLAGS) -c $< -o $@

$(B)/mmaplab: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(PKG_LIBS)

$(B)/asan/mmaplab: $(ASAN_OBJ)
	$(CC) -g $(SAN) -o $@ $(ASAN_OBJ) $(PKG_LIBS)

asan: $(B)/asan/mmaplab

# Unit tests link the tui modules built with the sanitizers.
$(B)/unit/%: tests/unit/%.c $(LIB_ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) -D_GNU_SOURCE -Itui $< $(LIB_ASAN_OBJ) -o $@ $(PKG_LIBS)

unit: $(UNIT_BIN)

$(B)/tools/sandbox: tests/lib/sandbox.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $< -o $@

$(B)/tools/contain: tests/lib/contain.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $< -o $@

$(B)/tools/calltrace.so: tests/lib/calltrace.c | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g -fPIC -shared -fvisibility=hidden $< -o $@ -ldl

$(B)/lessonlint: tests/lessons/lessonlint.c tui/quiz.c tui/quiz.h tui/scenario.c tui/scenario.h | deps
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g -Itui tests/lessons/lessonlint.c tui/quiz.c tui/scenario.c -o $@ \
		$$(pkg-config --cflags --libs md4c)

run: all
	./$(B)/mmaplab

# The whole suite: unit, command line, lessons, and every lab in both
# directions (solutions pass, untouched skeletons fail), plus ASan/UBSan runs.
ifneq ($(wildcard solutions),)
test: deps-test all asan unit $(LINT_BIN) $(TEST_DEPS)
	@MMAPLAB_BUILD=$(B) tests/run
else
# A student's copy (make handout) has no solutions/: the course's own suite
# cannot run there, so make test checks the student's labs (LABS=03,05 for
# some of them).
test: all
	@MMAPLAB_BUILD=$(B) MMAPLAB_LABS="$(LABS)" tests/run
endif

# Figures and ratios against baselines measured in the same run; written to
# build/bench.txt. Nothing is asserted.
bench: all
	@scripts/deps bench
	@bench/run

check: all
	@test -n "$(LAB)" || { echo "usage: make check LAB=NN" >&2; exit 2; }
	./$(B)/mmaplab check $(LAB)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/mmaplab $(DESTDIR)$(BINDIR)/mmaplab
	install -m 755 $(B)/tools/sandbox $(DESTDIR)$(LIBEXECDIR)/sandbox
	install -m 755 $(B)/tools/contain $(DESTDIR)$(LIBEXECDIR)/contain
	install -m 644 $(B)/tools/calltrace.so $(DESTDIR)$(LIBEXECDIR)/calltrace.so
	install -m 644 man/mmaplab.1 $(DESTDIR)$(MANDIR)/man1/mmaplab.1
	for d in lessons labs tests/labs tests/lib; do \
		find $$d -type d -exec install -d $(DESTDIR)$(DATADIR)/{} \; ; \
		find $$d -type f -exec install -m 644 {} $(DESTDIR)$(DATADIR)/{} \; ; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mmaplab $(DESTDIR)$(MANDIR)/man1/mmaplab.1
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR)

clean:
	rm -rf $(B)
	for d in labs/[0-9]*/ solutions/[0-9]*/; do [ -f $$d/Makefile ] && $(MAKE) -s -C $$d clean || true; done

-include $(OBJ:.o=.d)
