# Fuzzing every parser with libFuzzer (clang): fuzz/README.md says more.
#
#   make fuzz                       each target for FUZZ_TIME seconds (60);
#                                   new coverage is merged into fuzz/corpus/
#                                   (new inputs up to FUZZ_MAX_LEN bytes, 4096)
#   make fuzz FUZZ_TIME=600 FUZZ_TARGETS="doc quiz"
#   make fuzz-build                 only build the targets ($(B)/fuzz/)
#
# `make test` builds the targets; its fuzz suite (tests/suites/fuzz.bash)
# replays the saved corpus and fuzz/regressions/, then fuzzes briefly.

# A rule here must not become the default goal (mk/*.mk is included before
# the Makefile's own `all`).
.DEFAULT_GOAL := all

FUZZ_CC      ?= clang
FUZZ_TIME    ?= 60
FUZZ_MAX_LEN ?= 4096
# One target per parser: fuzz/fuzz_NAME.c.
FUZZ_TARGETS ?= $(sort $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c)))
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(WARN) -O1 -g $(FUZZ_SAN)

# The tui modules each target links: the parser and what it calls, nothing
# from curses.
FUZZ_MODS_doc      := doc_parse layout wrap textwidth fold highlight quiz util
FUZZ_MODS_quiz     := quiz
FUZZ_MODS_tap      := tap util
FUZZ_MODS_manifest := manifest util
FUZZ_MODS_progress := progress util

.PHONY: fuzz fuzz-build

fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	@FUZZ_TIME=$(FUZZ_TIME) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) MMAPLAB_BUILD=$(B) fuzz/run $(FUZZ_TARGETS)

# The modules are instrumented for coverage (fuzzer-no-link); only the
# targets link libFuzzer's main.
$(B)/fuzz/obj/%.o: tui/%.c $(wildcard tui/*.h) | deps deps-test
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(DEFS) $(PKG_CFLAGS) -c $< -o $@

define FUZZ_TARGET
$(B)/fuzz/fuzz_$(1): fuzz/fuzz_$(1).c $$(FUZZ_MODS_$(1):%=$(B)/fuzz/obj/%.o)
	@mkdir -p $$(@D)
	$$(FUZZ_CC) $$(FUZZ_CFLAGS) -fsanitize=fuzzer -D_GNU_SOURCE $$(PKG_CFLAGS) -Itui $$< \
		$$(FUZZ_MODS_$(1):%=$(B)/fuzz/obj/%.o) -o $$@ $$(PKG_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_TARGET,$(t))))

TEST_DEPS += $(FUZZ_BIN)
