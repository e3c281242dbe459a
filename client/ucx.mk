# The native client's rdma transport (docs/rdma.md), apart from the main Makefile because it needs
# UCX: liborion-ucx.so (the transport, linked against UCX, loaded by the core at run time only
# where RDMA is considered) and its tests.
#
#   make -f ucx.mk            build into target/ucx/ (lib/liborion-ucx.so, tests/)
#   make -f ucx.mk test       and run the C unit tests (JUnit reports into target/test-reports/c-ucx)
#
# UCX comes from UCX_HOME (default: the project's .tools/ucx, made by bin/ensure-ucx), else from
# the system (/usr/include/ucp). The core's side (src/ucx/rdma_loader.c, rdma_decide.c) needs no
# UCX; it is compiled into the tests here and into libcuda.so.1 (the main Makefile, which also
# builds the plugin through this file and puts it next to libcuda.so.1 where UCX is present).
# The end-to-end test (tests/ucx/rdma_e2e.c against a live server) is run by the rdma transport's
# Java tests (transports/rdma, NativeRdmaClientTest).
UCX_HOME ?= $(abspath ../.tools/ucx)
UCX_INC ?= $(patsubst %/ucp/api/ucp.h,%,$(firstword $(wildcard $(UCX_HOME)/include/ucp/api/ucp.h /usr/include/ucp/api/ucp.h)))
UCX_LIB ?= $(if $(wildcard $(UCX_HOME)/lib/libucp.so.0),$(UCX_HOME)/lib,)
OUT ?= target
CC ?= gcc
WERROR ?=
U = $(OUT)/ucx
CFLAGS_UCX = -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -fno-strict-aliasing -Wall -Wextra -Wno-unused-parameter -Wshadow \
             -Wstrict-prototypes -Wmissing-prototypes -Wno-format-truncation -Wno-deprecated-declarations -fvisibility=hidden $(WERROR) -Isrc
# UCX's libraries: linked by their versioned names (a runtime-only install has no libucp.so)
UCX_LDFLAGS = $(if $(UCX_LIB),-L$(UCX_LIB) -Wl$(comma)-rpath-link$(comma)$(UCX_LIB),) -l:libucp.so.0 -l:libuct.so.0 -l:libucs.so.0
comma = ,

PLUGIN_SRC = src/ucx/transport_ucx.c src/ucx/rdma_rendezvous.c src/net/dial.c src/ucx/ucx_devices.c src/ucx/region_sync.c src/ucx/rdma_handshake.c \
             src/ucx/rdma_decide.c
# what the core compiles in (no UCX), and the parts of the core the tests use with it
CORE_SIDE = src/ucx/rdma_loader.c src/ucx/rdma_decide.c
LOADER_PARTS = src/core/config.c src/common/ini.c src/common/log.c
SESSION_PARTS = src/core/session.c src/core/region.c src/wire/wire.c
UNIT_TESTS = test_region_sync test_rdma_handshake test_rdma_decide test_ucx_wait
HEADERS = $(wildcard src/ucx/*.h) src/net/channel.h src/net/dial.h src/wire/wire.h src/core/session.h src/core/region.h

.PHONY: all test clean check-ucx

all: check-ucx $(U)/lib/liborion-ucx.so $(addprefix $(U)/tests/,$(UNIT_TESTS) rdma_e2e)

check-ucx:
	@test -n "$(UCX_INC)" || { echo "client/ucx.mk: UCX's headers (ucp/api/ucp.h) are not in $(UCX_HOME)/include nor /usr/include;" \
	  "run bin/ensure-ucx (Debian's packages into .tools/ucx) or install libucx-dev" >&2; exit 1; }

$(U)/lib/liborion-ucx.so: $(PLUGIN_SRC) src/wire/wire.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -isystem $(UCX_INC) -shared -o $@ $(PLUGIN_SRC) $(UCX_LDFLAGS) -Wl,-z,defs -pthread

# unit tests: plain C, no UCX
$(U)/tests/test_region_sync: tests/ucx/test_region_sync.c src/ucx/region_sync.c tests/check.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -Itests -o $@ tests/ucx/test_region_sync.c src/ucx/region_sync.c tests/check.c

$(U)/tests/test_rdma_handshake: tests/ucx/test_rdma_handshake.c src/ucx/rdma_handshake.c tests/check.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -Itests -o $@ tests/ucx/test_rdma_handshake.c src/ucx/rdma_handshake.c tests/check.c

$(U)/tests/test_ucx_wait: tests/ucx/test_ucx_wait.c tests/check.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -Itests -o $@ tests/ucx/test_ucx_wait.c tests/check.c

$(U)/tests/test_rdma_decide: tests/ucx/test_rdma_decide.c $(CORE_SIDE) $(LOADER_PARTS) tests/check.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -Itests -o $@ tests/ucx/test_rdma_decide.c $(CORE_SIDE) $(LOADER_PARTS) tests/check.c -rdynamic -pthread -ldl

# the core's session engine over the rdma channel, against a live server (run from Java)
$(U)/tests/rdma_e2e: tests/ucx/rdma_e2e.c $(CORE_SIDE) $(LOADER_PARTS) $(SESSION_PARTS) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_UCX) -o $@ tests/ucx/rdma_e2e.c $(CORE_SIDE) $(LOADER_PARTS) $(SESSION_PARTS) -rdynamic -pthread -ldl

test: all
	@mkdir -p $(OUT)/test-reports/c-ucx
	@rc=0; for t in $(UNIT_TESTS); do \
	  ORION_TEST_REPORTS=$(abspath $(OUT))/test-reports/c-ucx ORION_UCX_PLUGIN=$(abspath $(U))/lib/liborion-ucx.so \
	  LD_LIBRARY_PATH=$(UCX_LIB)$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} $(U)/tests/$$t || rc=1; \
	done; exit $$rc

clean:
	rm -rf $(U) $(OUT)/test-reports/c-ucx
