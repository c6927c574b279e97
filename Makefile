# tiekartta: one hand-written Makefile. `make run` builds the site from the
# bundled content; `make test` runs every test (plain, then ASan+UBSan).
VERSION = 0.1.0
CC ?= cc
PKGS = libgit2 libcmark yaml-0.1
CFLAGS ?= -O2 -g
WARN = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wstrict-prototypes
PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))
PKG_LIBS = $$(pkg-config --libs $(PKGS))
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

-include Makefile.local

O = output/obj
B = output/bin
SRC = util.c diag.c yaml.c source.c parseahead.c model.c figures.c chart.c export.c markdown.c value.c tmpl.c view.c output.c pagecache.c parsestore.c render.c cli.c cmd_build.c cmd_check.c cmd_render.c history.c cmd_review.c cmd_codeowners.c cmd_new_status.c diff.c cmd_diff.c
LIB_OBJ = $(SRC:%.c=$(O)/plain/%.o)
ASAN_OBJ = $(SRC:%.c=$(O)/asan/%.o)
TESTS = test_yaml test_model test_parseahead test_source test_output test_markdown test_figures test_tmpl test_mustache_spec test_chart test_export test_history test_diff
HDR = $(wildcard generator/*.h)

.PHONY: all run test deps asan asan-bins valgrind clean regen fuzz bench install uninstall

all: $(B)/tiekartta

$(O)/plain/%.o: generator/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DTK_VERSION='"$(VERSION)"' -DTK_THEME_DIR='"$(CURDIR)/themes"' -c $< -o $@

$(O)/asan/%.o: generator/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(PKG_CFLAGS) -DTK_VERSION='"$(VERSION)"' -DTK_THEME_DIR='"$(CURDIR)/themes"' -c $< -o $@

$(B)/tiekartta: $(LIB_OBJ) $(O)/plain/main.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/asan/tiekartta: $(ASAN_OBJ) $(O)/asan/main.o
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS) -lm

$(B)/%: tests/%.c tests/harness.h $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -Igenerator -o $@ $< $(LIB_OBJ) $(PKG_LIBS) -lm

$(B)/asan/%: tests/%.c tests/harness.h $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) $(WARN) -O1 -g $(SAN) $(PKG_CFLAGS) -Igenerator -o $@ $< $(ASAN_OBJ) $(PKG_LIBS) -lm

# Installs what is missing (through sudo when not root).
deps:
	@sh .ci/install-deps

run: deps
	@$(MAKE) --no-print-directory all
	$(B)/tiekartta build
	@echo "Open output/site/index.html in a browser."

test: all $(TESTS:%=$(B)/%) asan-bins
	@sh tests/run.sh

asan-bins: $(B)/asan/tiekartta $(TESTS:%=$(B)/asan/%)

asan: asan-bins
	@TK_ONLY=asan sh tests/run.sh

valgrind: all $(TESTS:%=$(B)/%)
	@TK_ONLY=valgrind sh tests/run.sh

# libFuzzer harnesses (clang), each for FUZZ_SECONDS; see tests/fuzz/run.sh.
FUZZ_SECONDS = 60
fuzz:
	sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# Benchmarks against Hugo and the copy floor; writes docs/benchmarks.md.
bench: all
	sh tests/bench/run.sh

# The command, the default theme and the manual under PREFIX (DESTDIR for
# packaging). The installed command finds the theme beside it, in
# ../share/tiekartta/themes, for content without a theme of its own.
PREFIX ?= /usr/local
SHARE = $(DESTDIR)$(PREFIX)/share
install: all
	install -D -m 755 $(B)/tiekartta $(DESTDIR)$(PREFIX)/bin/tiekartta
	rm -rf $(SHARE)/tiekartta/themes/default
	mkdir -p $(SHARE)/tiekartta/themes
	cp -R themes/default $(SHARE)/tiekartta/themes/default
	install -D -m 644 docs/tiekartta.1 $(SHARE)/man/man1/tiekartta.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tiekartta $(SHARE)/man/man1/tiekartta.1
	rm -rf $(SHARE)/tiekartta

clean:
	rm -rf output/obj output/bin output/site output/test output/fuzz

# Rewrites the golden pages from the current build, for review with git diff.
regen: all
	TK_REGEN=1 sh tests/test_golden.sh
