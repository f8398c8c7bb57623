# Static checks of the C and shell code (scripts/lint says what and how):
#
#   make lint                 cppcheck, clang-tidy and shellcheck
#   make lint-cppcheck        one of them (also lint-clang-tidy, lint-shellcheck)
#
# Settings: .clang-tidy, .cppcheck-suppressions, and the per-file exceptions
# at the top of scripts/lint. `make test` runs the same three (suite lint,
# tests/suites/lint.bash).

# A rule here must not become the default goal (mk/*.mk is included before
# the Makefile's own `all`).
.DEFAULT_GOAL := all

LINTERS := cppcheck clang-tidy shellcheck

.PHONY: lint $(LINTERS:%=lint-%)

lint: | deps deps-test
	@MMAPLAB_BUILD=$(B) scripts/lint $(LINTERS)

$(LINTERS:%=lint-%): | deps deps-test
	@MMAPLAB_BUILD=$(B) scripts/lint $(@:lint-%=%)
