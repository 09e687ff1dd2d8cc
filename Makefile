# wx — GNU make only; no configure step.
#
#   make            build bin/ (commands, wx-emu) and the unit tests
#   make check      unit tests + bats suite against wx-emu over TLS
#   make install    PREFIX=/usr/local DESTDIR= BINDIR= MANDIR=
#   make SANITIZE=1 check   same, built with ASan+UBSan

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
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

PKG_CONFIG ?= pkg-config
pc = $(shell $(PKG_CONFIG) $(1) $(2) 2>/dev/null)
CURL_CFLAGS ?= $(call pc,--cflags,libcurl)
CURL_LIBS   ?= $(call pc,--libs,libcurl)
QR_CFLAGS   ?= $(call pc,--cflags,libqrencode libpng)
QR_LIBS     ?= $(call pc,--libs,libqrencode libpng)
MHD_CFLAGS  ?= $(call pc,--cflags,libmicrohttpd zlib libjpeg)
MHD_LIBS    ?= $(call pc,--libs,libmicrohttpd zlib libjpeg)

B := build
override CPPFLAGS += $(CURL_CFLAGS) $(QR_CFLAGS) $(MHD_CFLAGS)

# Objects are rebuilt whenever the compiler or its flags change
# (e.g. after a SANITIZE=1 build).
FLAGS := $(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)
$(shell mkdir -p $(B) && { [ "$$(cat $(B)/flags 2>/dev/null)" = '$(FLAGS)' ] || echo '$(FLAGS)' > $(B)/flags; })

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
BIN     := $(CMDBIN) $(SCRBIN) $(if $(EMUSRC),bin/wx-emu)

UNITSRC := $(sort $(wildcard t/unit/test-*.c))
UNITBIN := $(UNITSRC:t/unit/%.c=$(B)/t/%)
MAN     := $(sort $(wildcard man/*.[1-9]))

ALL_LIBS := $(CURL_LIBS) $(QR_LIBS) -lm

.PHONY: all check unit bats install uninstall clean deps demo bench fuzz lint
.DELETE_ON_ERROR:

all: $(BIN) $(UNITBIN)

$(B)/%.o: %.c lib/wx.h $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(EMUOBJ): cmd/wx-emu/emu.h

$(LIBWX): $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

bin/%: $(B)/cmd/%.o $(LIBWX)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $< $(LIBWX) $(ALL_LIBS)

bin/wx-emu: $(EMUOBJ) $(LIBWX)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(EMUOBJ) $(LIBWX) $(MHD_LIBS) $(ALL_LIBS) -lpthread

$(SCRBIN): bin/%: cmd/%
	@mkdir -p bin
	cp $< $@ && chmod 755 $@

$(B)/t/%: t/unit/%.c t/unit/tap.h $(LIBWX) $(B)/flags
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -It/unit -o $@ $< $(LIBWX) $(ALL_LIBS)

# `make check` = the dependency check, then unit tests and the bats suite,
# ending with one "N passed, N failed" line.
check: deps all
	@t/run $(UNITBIN)

unit: all
	@t/run --unit-only $(UNITBIN)

deps:
	@sh .ci/deps

lint:
	mandoc -Tlint -Wwarning $(MAN)

demo: deps all
	@sh share/demo.sh

bench: all
	@if [ -x t/bench/run ]; then t/bench/run; else echo "make bench: not yet"; fi

fuzz:
	@if [ -x t/fuzz/run ]; then t/fuzz/run; else echo "make fuzz: not yet"; fi

install: $(BIN)
	mkdir -p $(DESTDIR)$(BINDIR)
	for f in $(BIN); do install -m 755 $$f $(DESTDIR)$(BINDIR)/; done
	for m in $(MAN); do s=$${m##*.}; \
		mkdir -p $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	for f in $(BIN); do rm -f $(DESTDIR)$(BINDIR)/$${f#bin/}; done
	for m in $(MAN); do s=$${m##*.}; \
		rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m#man/}; done

clean:
	rm -rf $(B) bin t/fuzz/work
