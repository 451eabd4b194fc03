# ccflow — plain Makefile: flags written out, no recursion, safe with -j.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes
# A user's CPPFLAGS and LDFLAGS (environment or command line) are added to the project's own flags
# on every compile and link, never replaced.
# Each layer sees the headers of the layers below it and nothing above (docs/architecture.md):
# common/ (the base), then vm/ and compiler/ beside each other (the compiler reads the bytecode
# format of vm/, the VM nothing of the compiler), then lib/ (the public API) and cli/ (the
# command). A vm/ file that includes a compiler header does not compile; tests/layers.sh says why.
BASE_CPPFLAGS = -D_POSIX_C_SOURCE=200809L
INC_common   = -Icommon -Iinclude
INC_vm       = -Ivm $(INC_common)
INC_compiler = -Icompiler -I$(B)/gen -Ivm $(INC_common)
INC_lib      = -Ilib -Icompiler -I$(B) -I$(B)/gen -Ivm $(INC_common)
INC_cli      = -Icli $(INC_lib)
# Tests, benchmarks and the fuzzer reach inside every layer.
ALL_CPPFLAGS = $(BASE_CPPFLAGS) $(INC_cli) $(CPPFLAGS)
LDLIBS   = -lyaml -lyajl -lunistring -lm
PREFIX  ?= /usr/local
B        = build
SOVERSION = 0
VERSION := $(shell sed -n 's/^\#define CCFLOW_VERSION "\([^"]*\)".*/\1/p' include/ccflow.h)

LIB_SRC  = common/util.c common/opcodes.c common/civil.c common/json_writer.c common/diag.c common/catalog.c common/catalog_connect.c common/catalog_doc.c common/yaml_reader.c \
           common/json_reader.c common/comments.c \
           compiler/lower.c compiler/check.c compiler/bundle.c compiler/dsl_lower.c compiler/connect_import.c compiler/connect_resources.c \
           compiler/connect_export.c compiler/ir_dump.c compiler/fmt.c compiler/fmt_yaml.c compiler/fmt_dsl.c \
           compiler/codegen.c compiler/graph.c compiler/diff.c \
           vm/bytecode.c vm/disasm.c vm/state.c vm/exec.c vm/sched.c vm/route.c vm/contact.c vm/requests.c \
           vm/hours.c vm/func.c vm/metrics.c vm/save.c vm/tz.c vm/builtins.c vm/tasks.c \
           lib/api.c
CLI_SRC  = cli/main.c cli/options.c cli/convert.c cli/scenario.c cli/scenario_read.c cli/scenario_expect.c
LIB_OBJ  = $(LIB_SRC:%.c=$(B)/%.o) $(B)/stdlib_data.o $(B)/gen/dsl_lexer.o $(B)/gen/dsl_parser.o
GEN_H    = $(B)/gen/dsl_parser.h
STDLIB   = $(sort $(wildcard stdlib/flows/*.yaml))
HDRS     = $(wildcard common/*.h compiler/*.h vm/*.h lib/*.h cli/*.h include/*.h)

all: $(B)/ccflow $(B)/libccflow.a $(B)/libccflow.so

# One rule per layer, each with its own include path.
define layer_rule
$$(B)/$(1)/%.o: $(1)/%.c $$(HDRS) $$(GEN_H)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CPPFLAGS) $$(INC_$(1)) $$(CPPFLAGS) $$(WARN) $$(CFLAGS) -fPIC -c $$< -o $$@
endef
$(foreach l,common vm compiler lib cli,$(eval $(call layer_rule,$(l))))

# The DSL's scanner and parser are generated into the build folder, reproducibly (no dates or
# versions in the output), and compiled with the same warnings as the rest.
$(B)/gen/dsl_parser.c $(B)/gen/dsl_parser.h: compiler/dsl_parser.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --no-lines -o $(B)/gen/dsl_parser.c --header=$(B)/gen/dsl_parser.h $<

$(B)/gen/dsl_lexer.c: compiler/dsl_lexer.re
	@mkdir -p $(dir $@)
	re2c -W -Werror --no-generation-date --no-version -o $@ $<

$(B)/gen/%.o: $(B)/gen/%.c $(HDRS) $(GEN_H)
	$(CC) $(BASE_CPPFLAGS) $(INC_compiler) $(CPPFLAGS) $(WARN) $(CFLAGS) -fPIC -c $< -o $@

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O1 $< -o $@

$(B)/stdlib_data.c: $(B)/tools/embed $(STDLIB)
	$(B)/tools/embed $@ $(foreach f,$(STDLIB),'<stdlib>/$(notdir $(f))=$(f)')

$(B)/stdlib_data.o: $(B)/stdlib_data.c compiler/stdlib_data.h
	$(CC) $(BASE_CPPFLAGS) $(INC_compiler) $(CPPFLAGS) $(WARN) $(CFLAGS) -fPIC -c $< -o $@

$(B)/libccflow.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# The shared library is versioned: libccflow.so.VERSION, its soname libccflow.so.SOVERSION (raised
# when the ABI breaks) and the libccflow.so that -lccflow finds. It exports the public API of
# include/ccflow.h and nothing else (include/libccflow.map): the ccflow_ functions.
$(B)/libccflow.so.$(VERSION): $(LIB_OBJ) include/libccflow.map
	$(CC) -shared $(CFLAGS) $(LDFLAGS) -Wl,-soname,libccflow.so.$(SOVERSION) -Wl,--version-script=include/libccflow.map \
	  $(LIB_OBJ) $(LDLIBS) -o $@

$(B)/libccflow.so.$(SOVERSION): $(B)/libccflow.so.$(VERSION)
	ln -sf libccflow.so.$(VERSION) $@

$(B)/libccflow.so: $(B)/libccflow.so.$(SOVERSION)
	ln -sf libccflow.so.$(SOVERSION) $@

$(B)/ccflow: $(CLI_SRC:%.c=$(B)/%.o) $(B)/libccflow.a
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

deps:
	@bash scripts/deps.sh

docs/blocks.md: $(B)/ccflow
	$(B)/ccflow blocks -o $@

demo: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/demo.sh

# The suite runs twice: on the normal build, and on one built with AddressSanitizer and
# UndefinedBehaviorSanitizer (a crash, leak or undefined behaviour fails the tests).
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
TEST_BINS = all tests/runner tests/unit tests/api tests/vm_api tests/alloc tests/tasks_api tests/tzcheck

test: deps
	@$(MAKE) --no-print-directory $(filter all,$(TEST_BINS)) $(addprefix $(B)/,$(filter-out all,$(TEST_BINS)))
	@$(MAKE) --no-print-directory B=$(B)/asan CFLAGS="$(SAN_FLAGS)" $(filter all,$(TEST_BINS)) \
	    $(addprefix $(B)/asan/,$(filter-out all,$(TEST_BINS)))
	@B=$(B) ASAN_B=$(B)/asan bash tests/run.sh

# Valgrind's memcheck over the command-line tests on the normal build (tests/memcheck.sh): it sees
# reads of uninitialised memory, which the sanitizer build does not. Its own target, run by .ci/run
# after make test (about three minutes).
memcheck: deps
	@$(MAKE) --no-print-directory all
	@B=$(B) bash tests/memcheck.sh

.PHONY: memcheck

# make install PREFIX=...: the command, both libraries, the header, pkg-config file and man page.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/ccflow $(DESTDIR)$(PREFIX)/bin/ccflow
	install -m 644 $(B)/libccflow.a $(DESTDIR)$(PREFIX)/lib/libccflow.a
	install -m 755 $(B)/libccflow.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libccflow.so.$(VERSION)
	ln -sf libccflow.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libccflow.so.$(SOVERSION)
	ln -sf libccflow.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libccflow.so
	install -m 644 include/ccflow.h $(DESTDIR)$(PREFIX)/include/ccflow.h
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: ccflow' 'Description: compiler and VM for contact-center flows' 'Version: $(VERSION)' \
	  'Requires.private: yaml-0.1' 'Libs: -L$${libdir} -lccflow' 'Libs.private: -lyaml -lyajl -lunistring -lm' \
	  'Cflags: -I$${includedir}' >$(DESTDIR)$(PREFIX)/lib/pkgconfig/ccflow.pc
	install -m 644 docs/ccflow.1 $(DESTDIR)$(PREFIX)/share/man/man1/ccflow.1

# make uninstall PREFIX=...: removes every file install wrote (the directories stay, as they may
# hold other programs' files).
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ccflow $(DESTDIR)$(PREFIX)/lib/libccflow.a \
	  $(DESTDIR)$(PREFIX)/lib/libccflow.so $(DESTDIR)$(PREFIX)/lib/libccflow.so.$(SOVERSION) \
	  $(DESTDIR)$(PREFIX)/lib/libccflow.so.$(VERSION) $(DESTDIR)$(PREFIX)/include/ccflow.h \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/ccflow.pc $(DESTDIR)$(PREFIX)/share/man/man1/ccflow.1

clean:
	rm -rf $(B)

.PHONY: all deps demo test clean install uninstall

$(B)/tests/runner: tests/runner.c $(B)/libccflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests $(WARN) $(CFLAGS) $< $(LDFLAGS) $(B)/libccflow.a $(LDLIBS) -o $@

# The API test uses only the public header and links the shared library, as an embedder would.
$(B)/tests/api: tests/api.c include/ccflow.h $(B)/libccflow.so
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -Itests $(CPPFLAGS) $(WARN) $(CFLAGS) $< $(LDFLAGS) -L$(B) -lccflow -Wl,-rpath,$(abspath $(B)) -o $@

$(B)/tests/vm_api: tests/vm_api.c include/ccflow.h $(B)/libccflow.so
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -Itests $(CPPFLAGS) $(WARN) $(CFLAGS) $< $(LDFLAGS) -L$(B) -lccflow -Wl,-rpath,$(abspath $(B)) -o $@

$(B)/tests/tasks_api: tests/tasks_api.c include/ccflow.h $(B)/libccflow.so
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -Itests $(CPPFLAGS) $(WARN) $(CFLAGS) $< $(LDFLAGS) -L$(B) -lccflow -Wl,-rpath,$(abspath $(B)) -o $@

$(B)/tests/alloc: tests/alloc.c include/ccflow.h $(B)/libccflow.so
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -Itests $(CPPFLAGS) $(WARN) $(CFLAGS) $< $(LDFLAGS) -L$(B) -lccflow -Wl,-rpath,$(abspath $(B)) -o $@

$(B)/tests/unit: tests/unit.c $(B)/libccflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests $(WARN) $(CFLAGS) $< $(LDFLAGS) $(B)/libccflow.a $(LDLIBS) -o $@

$(B)/tests/tzcheck: tests/tzcheck.c vm/tz.h $(B)/libccflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(WARN) $(CFLAGS) $< $(LDFLAGS) $(B)/libccflow.a $(LDLIBS) -o $@

# Coverage-guided fuzzing of both readers and the checks behind them (clang's libFuzzer).
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
$(B)/fuzz/fuzz_readers: fuzz/fuzz_readers.c
	@$(MAKE) --no-print-directory B=$(B)/fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" $(B)/fuzz/libccflow.a
	clang $(ALL_CPPFLAGS) -I$(B)/fuzz/gen -O1 -g -fsanitize=fuzzer,address,undefined $< $(B)/fuzz/libccflow.a $(LDLIBS) -o $@

fuzz: $(B)/fuzz/fuzz_readers
	@mkdir -p $(B)/fuzz/corpus
	@cp flows/*.yaml stdlib/flows/*.yaml tests/check/dsl/*.flow tests/check/connect/*.json $(B)/fuzz/corpus/ 2>/dev/null || true
	$(B)/fuzz/fuzz_readers -max_total_time=$${FUZZ_SECONDS:-60} -max_len=8192 $(B)/fuzz/corpus

.PHONY: fuzz

# Benchmarks print figures side by side as ratios; they are never timed assertions in tests.
$(B)/bench/frontends: bench/frontends.c $(B)/libccflow.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(WARN) -O2 $< $(LDFLAGS) $(B)/libccflow.a $(LDLIBS) -o $@

# The parser alone, for the JSON front end's figure: yajl and nothing of ccflow.
$(B)/bench/json_parse: bench/json_parse.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 $< -lyajl -o $@

bench: deps
	@$(MAKE) --no-print-directory all $(B)/bench/frontends $(B)/bench/json_parse
	@$(B)/bench/frontends
	@bash bench/instructions.sh $(B)/bench/frontends
	@B=$(B) bash bench/connect.sh
	@B=$(B) bash bench/vm.sh

.PHONY: bench
