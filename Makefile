# wx — GNU make only; no configure step.
#
#   make            build bin/ (commands, wx-emu) and the unit tests
#   make check      install missing packages (make deps), then unit tests +
#                   bats suite against wx-emu over TLS
#   make install    bin/, the man pages, bash and zsh completion, the systemd
#                   user units (their ExecStart in BINDIR), and share/ci-alert
#                   and share/examples/ as examples; PREFIX=/usr/local DESTDIR=
#                   BINDIR= MANDIR= BASHCOMPDIR= ZSHCOMPDIR= USERUNITDIR= DOCDIR=
#   make uninstall  removes what make install put there (same variables)
#   make SANITIZE=1 check   same, built with ASan+UBSan
#   make STATIC=1           libcurl and its dependencies linked statically
#   make check-valgrind     the main flows, commands and wx-emu under valgrind
#   make soak               kill, concurrency and long-run figures (minutes)

# The version every command prints for -V; defined here and nowhere else
# (make VERSION=… overrides it).
VERSION = 0.9.0

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
DOCDIR  ?= $(PREFIX)/share/doc/wx
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wwrite-strings \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
override CPPFLAGS += -D_GNU_SOURCE -Ilib

ifeq ($(SANITIZE),1)
override CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
endif

# STATIC=1: libcurl and its dependencies from Debian's static archives
# (`make STATIC=1 deps` installs the -dev packages that ship them); only
# Kerberos (GSS-API), SASL (for LDAP), p11-kit (for GnuTLS) and libc, which
# Debian ships no archive for, stay shared: 11 libraries loaded instead of
# 31, start-up CPU less than half, but each command ~10 MB on disk
# (t/bench/STATIC-spike.md).
ifeq ($(STATIC),1)
CURL_LIBS ?= -Wl,-Bstatic -lcurl -lnghttp2 -lidn2 -lrtmp -lssh2 -lpsl \
	-lssl -lcrypto -lldap -llber -lzstd -lbrotlidec -lbrotlicommon -lz \
	-lgnutls -lhogweed -lnettle -lgmp -ltasn1 -lidn2 -lunistring \
	-Wl,-Bdynamic -l:libgssapi_krb5.so.2 -l:libsasl2.so.2 \
	-l:libp11-kit.so.0 -ldl -pthread
endif

# $(call pc,VAR,ARGS) sets VAR to the output of `pkg-config ARGS` the first
# time a recipe uses VAR: once per build, not once per object, and never in
# a make that only runs `deps` or `clean`.  If pkg-config fails, make stops.
PKG_CONFIG ?= pkg-config
pc = $(eval $(1) := $$(shell $(PKG_CONFIG) $(2)))$(if $(filter 0,$(.SHELLSTATUS)),$($(1)),\
	$(error $(PKG_CONFIG) $(2) failed; `make deps` installs the packages))
PKG_CFLAGS ?= $(call pc,PKG_CFLAGS,--cflags libcurl libqrencode libpng libmicrohttpd zlib libjpeg)
CURL_LIBS  ?= $(call pc,CURL_LIBS,--libs libcurl)
QR_LIBS    ?= $(call pc,QR_LIBS,--libs libqrencode libpng)
MHD_LIBS   ?= $(call pc,MHD_LIBS,--libs libmicrohttpd zlib)
JPEG_LIBS  ?= $(call pc,JPEG_LIBS,--libs libjpeg)

B := build
override CPPFLAGS += $(PKG_CFLAGS)
override LDFLAGS  += -Wl,--as-needed

LIBSRC  := $(sort $(wildcard lib/*.c))
LIBOBJ  := $(LIBSRC:%.c=$(B)/%.o)
LIBWX   := $(B)/libwx.a

CMDSRC  := $(sort $(wildcard cmd/wx-*.c))
CMDBIN  := $(CMDSRC:cmd/%.c=bin/%)
SCRIPTS := $(sort $(filter-out %.c,$(wildcard cmd/wx-*)))
SCRIPTS := $(filter-out cmd/wx-emu,$(SCRIPTS))
SCRBIN  := $(SCRIPTS:cmd/%=bin/%)
EMUSRC  := $(sort $(wildcard cmd/wx-emu/*.c))
EMUOBJ  := $(EMUSRC:%.c=$(B)/%.o)
# The phone page (wx-emu(1)): its files, compiled in as C arrays.
PAGESRC := cmd/wx-emu/phone.html cmd/wx-emu/phone.css cmd/wx-emu/phone.js \
	cmd/wx-emu/phone.svg
EMUOBJ  += $(B)/cmd/wx-emu/assets.o
BIN     := $(CMDBIN) $(SCRBIN) $(if $(EMUSRC),bin/wx-emu)

UNITSRC := $(sort $(wildcard t/unit/test-*.c))
UNITBIN := $(UNITSRC:t/unit/%.c=$(B)/t/%)
MAN     := $(sort $(wildcard man/*.[1-9]))

# What each program links.  libwx.a is an archive, so a program gets only
# the lib/ objects it references: curl for http.c, qrencode+png for qr.c.
libs = $(CURL_LIBS)
bin/wx-qr: libs = $(QR_LIBS) $(CURL_LIBS)
bin/wx-emu: libs = $(MHD_LIBS) $(QR_LIBS) $(JPEG_LIBS) -lm -lpthread
$(UNITBIN): libs = $(CURL_LIBS) $(QR_LIBS) -lm

.PHONY: all check check-valgrind soak check-fresh unit install uninstall clean deps demo bench fuzz lint FORCE
.DELETE_ON_ERROR:
# Keep the commands' objects (make would delete them as intermediates and
# print that after the "N passed, N failed" line).
.SECONDARY: $(CMDSRC:cmd/%.c=$(B)/cmd/%.o)

all: $(BIN) $(UNITBIN)

# $(call record,TEXT): a recipe that writes TEXT to $@ only when $@ holds
# something else, so that $@ is newer only after a change.
record = @mkdir -p $(@D); f='$(1)'; \
	[ "$$(cat $@ 2>/dev/null)" = "$$f" ] || echo "$$f" > $@

# Objects are rebuilt whenever the compiler or its flags change (e.g. after
# a SANITIZE=1 or STATIC=1 build): only then is build/flags rewritten.
$(B)/flags: FORCE
	$(call record,$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) STATIC=$(STATIC))

# VERSION reaches util.o (wx_version) and the scripts only, so a new one
# rebuilds them and relinks, nothing more.  private: not passed on to
# util.o's prerequisites, build/flags among them.
$(B)/version: FORCE
	$(call record,$(VERSION))

$(B)/lib/util.o: $(B)/version
$(B)/lib/util.o: private override CPPFLAGS += -DWX_VERSION='"$(VERSION)"'

$(B)/%.o: %.c lib/wx.h $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(EMUOBJ): cmd/wx-emu/emu.h

$(B)/cmd/wx-emu/assets.c: cmd/wx-emu/embed.sh $(PAGESRC)
	@mkdir -p $(@D)
	sh cmd/wx-emu/embed.sh $(PAGESRC) > $@

$(B)/cmd/wx-emu/assets.o: $(B)/cmd/wx-emu/assets.c $(B)/flags
	$(CC) $(CPPFLAGS) -Icmd/wx-emu $(CFLAGS) -c -o $@ $<

$(LIBWX): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

bin/%: $(B)/cmd/%.o $(LIBWX)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $< $(LIBWX) $(libs)

bin/wx-emu: $(EMUOBJ) $(LIBWX)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(EMUOBJ) $(LIBWX) $(libs)

$(SCRBIN): bin/%: cmd/% $(B)/version
	@mkdir -p bin
	sed 's/@VERSION@/$(VERSION)/g' $< > $@ && chmod 755 $@

$(B)/t/%: t/unit/%.c t/unit/tap.h $(LIBWX) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -It/unit -o $@ $< $(LIBWX) $(libs)

# t/hostile: the canned-answer HTTP(S) server of t/46-hostile.bats;
# libmicrohttpd only, no lib/.
HOSTILE := $(B)/t/hostile
all: $(HOSTILE)
$(HOSTILE): libs = $(MHD_LIBS) -lpthread
$(HOSTILE): t/hostile.c $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/hostile.c $(libs)

# t/cdp: headless Chromium over the DevTools protocol, for t/92-emu-phone.bats.
CDP := $(B)/t/cdp
all: $(CDP)
$(CDP): libs =
$(CDP): t/cdp.c $(LIBWX) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ t/cdp.c $(LIBWX) $(libs)

# make bench's two helpers: wait4 figures of a command, and the libcurl
# floor (a program that only initialises libcurl), linked as the commands
# are, STATIC=1 included.
BENCHBIN := $(B)/t/rusage $(B)/t/floor
$(B)/t/floor: libs = $(CURL_LIBS)
$(B)/t/rusage: libs =
$(BENCHBIN): $(B)/t/%: t/bench/%.c $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(libs)

# check, demo and bench need the Debian packages: they run `deps`, then
# build and run in a second make, so that neither pkg-config nor the
# compiler starts before apt-get has finished, even with -j.  (fuzz just
# runs after deps: t/fuzz/run builds its own binaries.)
# `make check` ends with one "N passed, N failed" line.
ifeq ($(WX_DEPS),ok)
check: all
	@t/run $(UNITBIN)

demo: all
	@PATH="$(CURDIR)/bin:$$PATH" sh share/examples/emu-run -n -o '-H 2' \
		sh share/demo.sh

bench: all $(BENCHBIN)
	@t/bench/run

# valgrind wants plain objects: ASan and valgrind do not mix.
check-valgrind: all
	@if [ "$(SANITIZE)" = 1 ]; then echo "check-valgrind: not with SANITIZE=1" >&2; exit 100; fi
	@t/valgrind/run

soak: all
	@t/soak/run
else
check demo bench check-valgrind soak: deps
	@$(MAKE) --no-print-directory WX_DEPS=ok $@
endif

fuzz: deps
	@if [ -x t/fuzz/run ]; then t/fuzz/run; else echo "make fuzz: not yet"; fi

unit: all
	@t/run --unit-only $(UNITBIN)

deps:
	@STATIC=$(STATIC) sh .ci/deps

# Destructive (removes the -dev packages), so it only runs as root with
# WX_TEST_FRESH=1; see t/fresh-machine.
check-fresh:
	@t/fresh-machine demo check

lint:
	mandoc -Tlint -Wwarning $(MAN)

# What install puts beside bin/ and man/: bash-completion loads
# completions/NAME when NAME is first completed, so each command gets a
# link to the one file; the units get BINDIR for @BINDIR@; the examples
# keep their place under share/examples/ and their x bit.  $(example_to)
# sets d to where example $e goes.
SDUNITS  := $(sort $(wildcard share/systemd/*))
EXAMPLES := share/ci-alert $(sort $(shell find share/examples -type f 2>/dev/null))
example_to = d=$${e\#share/}; d=$(DESTDIR)$(DOCDIR)/examples/$${d\#examples/}

install: $(BIN)
	mkdir -p $(DESTDIR)$(BINDIR)
	for f in $(BIN); do install -m 755 $$f $(DESTDIR)$(BINDIR)/; done
	for m in $(MAN); do s=$${m##*.}; \
		mkdir -p $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	mkdir -p $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(USERUNITDIR)
	install -m 644 share/completion/wx.bash $(DESTDIR)$(BASHCOMPDIR)/wx
	for f in $(BIN); do ln -sf wx $(DESTDIR)$(BASHCOMPDIR)/$${f#bin/}; done
	install -m 644 share/completion/_wx $(DESTDIR)$(ZSHCOMPDIR)/
	for u in $(SDUNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' $$u >$(DESTDIR)$(USERUNITDIR)/$${u##*/} && \
		chmod 644 $(DESTDIR)$(USERUNITDIR)/$${u##*/} || exit 1; done
	for e in $(EXAMPLES); do $(example_to); \
		mkdir -p $${d%/*} && install -m $$([ -x $$e ] && echo 755 || echo 644) $$e $$d || exit 1; done

uninstall:
	for f in $(BIN); do rm -f $(DESTDIR)$(BINDIR)/$${f#bin/} \
		$(DESTDIR)$(BASHCOMPDIR)/$${f#bin/}; done
	for m in $(MAN); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/wx $(DESTDIR)$(ZSHCOMPDIR)/_wx
	for u in $(SDUNITS); do rm -f $(DESTDIR)$(USERUNITDIR)/$${u##*/}; done
	for e in $(EXAMPLES); do $(example_to); \
		rm -f $$d; rmdir $${d%/*} 2>/dev/null || :; done
	rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || :

clean:
	rm -rf $(B) bin t/fuzz/work
