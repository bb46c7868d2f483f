# Makefile - cgihttpd (the server) and libcgi (the library). GNU make, no
# configure step (STYLE Rule 18). Sources are found by wildcard, so adding a
# module or a test needs no edit here. config.mk may hold local overrides.
#
#   make            build everything         make check   every test suite
#   make run        serve examples on :8080  make deps    install what is missing
#   make SANITIZE=1 ...   ASan+UBSan build in build-asan/
-include config.mk

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
B       ?= build
CFLAGS  ?= -O2 -g
PYTHON  ?= /usr/bin/python3
FUZZ_SECONDS ?= 60
RUN_PORT ?= 8080

# 0.2.0: cgi_nph, cgi_fail, cgi_want_form, cgi_path_segments,
# cgi_no_path_info and the signed cookies were added; additions keep the
# ABI, so the soname stays libcgi.so.$(SOMAJOR).
VERSION  = 0.2.0
SOMAJOR  = 0
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2 -Wvla \
           -Wundef -Wimplicit-fallthrough
ifeq ($(CI),true)
WERROR  ?= 1
endif
# The server is linked statically by default: its idle RSS drops from about
# 2.2 MiB to 1.2 MiB (the dynamic loader and libc's relocated pages are
# gone), see docs/NOTES.md. Sanitizer and valgrind builds need it dynamic.
STATIC  ?= 1
ifeq ($(SANITIZE),1)
STATIC   = 0
B        = build-asan
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS   = -O1 -g -fno-omit-frame-pointer $(SAN)
LDFLAGS += $(SAN)
endif
CPPFLAGS += -D_GNU_SOURCE -DCGI_VERSION='"$(VERSION)"' -Iinclude -Ilib -Iserver
ALLCFLAGS = -std=c17 $(WARN) $(if $(WERROR),-Werror) $(CPPFLAGS) $(CFLAGS)
LDLIBS  += -lpthread

LIB_SRC  := $(wildcard lib/*.c)
SRV_SRC  := $(filter-out server/main.c,$(wildcard server/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
EX_SRC   := $(wildcard examples/cgi-bin/*.c)
TOOL_SRC := $(wildcard tests/tools/*.c) $(wildcard bench/*.c)
LIB_OBJ  := $(patsubst %.c,$(B)/%.o,$(LIB_SRC))
SRV_OBJ  := $(patsubst %.c,$(B)/%.o,$(SRV_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
FUZZ_BIN := $(patsubst fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
EX_BIN   := $(patsubst examples/cgi-bin/%.c,$(B)/examples/cgi-bin/%,$(EX_SRC))
TOOL_BIN := $(patsubst %.c,$(B)/%,$(TOOL_SRC))
EX_LIBS  := -lsqlite3

.PHONY: FORCE all lib server examples tests run check check-unit check-fuzz \
        check-e2e check-browser check-c deps install uninstall clean bench fuzz lint \
        valgrind

all: server lib examples tests
server: $(B)/cgihttpd
lib: $(B)/libcgi.a $(B)/libcgi.so $(B)/libcgi.pc
examples: $(EX_BIN)
tests: $(UNIT_BIN) $(FUZZ_BIN) $(TOOL_BIN)

# libcgi's objects are position-independent and keep only CGI_API visible.
$(B)/lib/%.o: VIS = -fPIC -fvisibility=hidden

# CGI_VERSION is compiled in (cgihttpd -V, SERVER_SOFTWARE, FastCGI): the
# stamp changes only with VERSION, and then every object is rebuilt.
$(B)/version.stamp: FORCE
	@mkdir -p $(@D)
	@echo $(VERSION) | cmp -s - $@ || echo $(VERSION) > $@
$(LIB_OBJ) $(SRV_OBJ) $(B)/server/main.o: $(B)/version.stamp
FORCE:

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(VIS) -MMD -MP -c $< -o $@

# One pre-linked object with the hidden names made local, so a program's own
# buf_append can never replace ours inside the library (STYLE Rule 4).
$(B)/libcgi.a: $(LIB_OBJ)
	$(LD) -r -o $(B)/libcgi.o $^
	objcopy --localize-hidden $(B)/libcgi.o
	rm -f $@
	$(AR) rcs $@ $(B)/libcgi.o

# The versioned file is the real target, so a new VERSION builds it.
$(B)/libcgi.so.$(VERSION): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libcgi.so.$(SOMAJOR) $(LDFLAGS) -o $@ $^

$(B)/libcgi.so: $(B)/libcgi.so.$(VERSION)
	ln -sf libcgi.so.$(VERSION) $(B)/libcgi.so.$(SOMAJOR)
	ln -sf libcgi.so.$(VERSION) $@

# The .pc file names the install paths, so install writes it anew for the
# PREFIX it is given; $(B)/libcgi.pc is the default PREFIX's copy.
PCSED = sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(VERSION)|'
$(B)/libcgi.pc: libcgi.pc.in Makefile
	@mkdir -p $(@D)
	$(PCSED) $< > $@

# The server links libcgi's objects directly and may use its internals.
$(B)/cgihttpd: $(B)/server/main.o $(SRV_OBJ) $(LIB_OBJ)
	@# glibc warns that getpwnam/getaddrinfo want its NSS modules at run
	@# time: true (see docs/NOTES.md), and said once here, not every build.
	$(CC) $(if $(filter 1,$(STATIC)),-static) $(LDFLAGS) -o $@ $^ $(LDLIBS) \
	    2>$@.ld || { cat $@.ld; rm -f $@; exit 1; }
	@grep -v -e 'statically linked applications' -e 'in function' $@.ld || true

$(B)/tests/unit/%: tests/unit/%.c $(SRV_OBJ) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -Itests -MMD -MP $(LDFLAGS) -o $@ $< $(SRV_OBJ) $(LIB_OBJ) $(LDLIBS)

# Fuzz targets built with a plain main() that replays files (make check);
# make fuzz builds them again with libFuzzer.
$(B)/fuzz/%: fuzz/%.c tests/fuzz_replay.c $(SRV_OBJ) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< tests/fuzz_replay.c $(SRV_OBJ) $(LIB_OBJ) $(LDLIBS)

# Test helpers and benchmark drivers (tests/tools/*.c, bench/*.c) may use
# libcgi's and the server's internals.
# (A recipe-less pattern rule would cancel these, so the objects are listed
# in each rule: a changed library object relinks the tools.)
$(B)/tests/tools/%: tests/tools/%.c $(SRV_OBJ) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(SRV_OBJ) $(LIB_OBJ) $(LDLIBS)
$(B)/bench/%: bench/%.c $(SRV_OBJ) $(LIB_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(SRV_OBJ) $(LIB_OBJ) $(LDLIBS)

# Example programs use only the public API: cgi.h and libcgi.a.
$(B)/examples/cgi-bin/%: examples/cgi-bin/%.c $(B)/libcgi.a include/cgi.h
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/libcgi.a $(EX_LIBS) $(LDLIBS)

run: deps all
	@sh scripts/run-examples.sh $(B) $(RUN_PORT)

deps:
	@sh scripts/deps.sh

check: deps all
	@sh tests/run.sh $(B) all

check-unit check-fuzz check-e2e check-browser check-c: all
	@sh tests/run.sh $(B) $(patsubst check-%,%,$@)

fuzz:
	@sh scripts/fuzz.sh $(FUZZ_SECONDS)

bench: all
	@sh bench/run.sh $(B)

lint:
	@sh scripts/lint.sh $(B)

# The unit suites under valgrind, then the e2e suite with the server itself
# run under valgrind (CGIHTTPD_WRAP): any error or leak is a failure.
valgrind:
	$(MAKE) B=build-vg STATIC=0 all
	@sh scripts/valgrind.sh build-vg

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/cgihttpd $(DESTDIR)$(BINDIR)/cgihttpd
	install -m 644 include/cgi.h $(DESTDIR)$(INCDIR)/cgi.h
	install -m 644 $(B)/libcgi.a $(DESTDIR)$(LIBDIR)/libcgi.a
	install -m 755 $(B)/libcgi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcgi.so.$(VERSION)
	ln -sf libcgi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcgi.so.$(SOMAJOR)
	ln -sf libcgi.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libcgi.so
	$(PCSED) libcgi.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libcgi.pc
	for f in man/*.[358]; do [ -f "$$f" ] || continue; \
	    s=$${f##*.}; install -m 644 "$$f" $(DESTDIR)$(MANDIR)/man$$s/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cgihttpd $(DESTDIR)$(INCDIR)/cgi.h \
	    $(DESTDIR)$(LIBDIR)/libcgi.a $(DESTDIR)$(LIBDIR)/libcgi.so* \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/libcgi.pc
	for f in man/*.[358]; do [ -f "$$f" ] || continue; \
	    s=$${f##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${f##*/}; done

clean:
	rm -rf build build-asan build-fuzz build-vg tests/out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
