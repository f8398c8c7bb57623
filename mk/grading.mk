# What a teacher hands out and uploads (README.md, "Teacher guide"):
#
#   make handout     $(B)/handout/mmaplab-handout-$(VERSION).tar.gz: the
#                    course as students get it (no solutions/, grading/,
#                    .git or build output); scripts/handout makes the copy
#   make gradescope  $(B)/gradescope/autograder.zip: setup.sh,
#                    run_autograder and that same copy in mmaplab/;
#                    GRADESCOPE_LABS=03 (or 01,02) grades only those labs
#   make classroom-workflow
#                    write grading/github-classroom/.github/workflows/
#                    classroom.yml again from labs/manifest
#
# The packages are made afresh each time (phony): they copy most of the
# tree, and a stale one is worse than a few seconds.

# A rule here must not become the default goal (mk/*.mk is included before
# the Makefile's own `all`).
.DEFAULT_GOAL := all

HANDOUT_NAME    := mmaplab-handout-$(VERSION)
HANDOUT         := $(B)/handout/$(HANDOUT_NAME).tar.gz
AUTOGRADER      := $(B)/gradescope/autograder.zip
GRADESCOPE_LABS ?=
CLASSROOM_YML   := grading/github-classroom/.github/workflows/classroom.yml

.PHONY: handout gradescope classroom-workflow

handout:
	@rm -rf $(B)/handout/stage
	@mkdir -p $(B)/handout/stage
	scripts/handout --exclude $(B) $(B)/handout/stage/$(HANDOUT_NAME)
	tar -C $(B)/handout/stage --sort=name --owner=0 --group=0 --numeric-owner \
		-czf $(HANDOUT) $(HANDOUT_NAME)
	@rm -rf $(B)/handout/stage
	@echo "handout: $(HANDOUT)"

gradescope:
	@command -v zip >/dev/null || { echo "make gradescope needs zip: sudo apt-get install -y zip" >&2; exit 1; }
	@rm -rf $(B)/gradescope/stage $(AUTOGRADER)
	@mkdir -p $(B)/gradescope/stage
	scripts/handout --exclude $(B) $(B)/gradescope/stage/mmaplab
	cp grading/gradescope/setup.sh grading/gradescope/run_autograder $(B)/gradescope/stage/
	@if [ -n "$(GRADESCOPE_LABS)" ]; then echo "$(GRADESCOPE_LABS)" >$(B)/gradescope/stage/labs; fi
	cd $(B)/gradescope/stage && zip -qrX ../autograder.zip .
	@rm -rf $(B)/gradescope/stage
	@echo "gradescope: $(AUTOGRADER)"

classroom-workflow:
	@mkdir -p $(dir $(CLASSROOM_YML))
	scripts/classroom-workflow >$(CLASSROOM_YML).tmp
	mv $(CLASSROOM_YML).tmp $(CLASSROOM_YML)
