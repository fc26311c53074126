# SPDX-License-Identifier: GPL-2.0-only
#
# ramboot: builds a bootable Linux kernel and initramfs from package recipes.
#
#   make qemu_x86_64_defconfig && make    build output/images/bzImage
#   make run                              boot it in QEMU
#   make check                            run the tests
#   make help                             everything else
#
# O=DIR puts the output elsewhere (default: output/). DL_DIR in the
# environment overrides the download cache (default: dl/).

MAKEFLAGS += -rR --no-print-directory
.SUFFIXES:
.DELETE_ON_ERROR:
SHELL := /bin/sh

# Our command-line variables (O=, V=) are ours alone: the kernel, busybox
# and uClibc-ng must not see them through MAKEFLAGS.
MAKEOVERRIDES :=

TOPDIR := $(CURDIR)
O ?= $(TOPDIR)/output
override O := $(abspath $(O))

ifeq ($(V),1)
Q :=
else
Q := @
endif

RB_CONFIG := $(O)/.config
BUILD_DIR := $(O)/build
HOST_DIR := $(O)/host
TARGET_DIR := $(O)/target
INITRAMFS_DIR := $(O)/initramfs
IMAGES_DIR := $(O)/images
STAGING_DIR := $(HOST_DIR)/x86_64-rb-linux-uclibc/sysroot
TOOLCHAIN_PREFIX := $(HOST_DIR)/bin/x86_64-rb-linux-uclibc-

# Targets that work without a configuration.
NOCONFIG_TARGETS := %_defconfig menuconfig nconfig oldconfig olddefconfig \
	savedefconfig list-defconfigs help clean distclean check check-% \
	bench host-deps

all:
.PHONY: all

qstrip = $(strip $(subst ",,$(1)))
, := ,

# ---------------------------------------------------------------- config

KCONFIG_ENV := CONFIG_= KCONFIG_CONFIG=$(RB_CONFIG)

$(O):
	$(Q)mkdir -p $@

%_defconfig: host-deps | $(O)
	$(Q)test -f configs/$@ || { echo "ramboot: configs/$@: no such defconfig (make list-defconfigs)" >&2; exit 1; }
	$(Q)$(KCONFIG_ENV) kconfig-conf --defconfig=configs/$@ Config.in >/dev/null
	@echo "ramboot: $(RB_CONFIG) written from configs/$@"

oldconfig olddefconfig: host-deps | $(O)
	$(Q)$(KCONFIG_ENV) kconfig-conf --$@ Config.in

menuconfig nconfig: host-deps | $(O)
	$(Q)$(KCONFIG_ENV) kconfig-$(patsubst %config,%,$@)conf Config.in

savedefconfig:
	$(Q)test -f $(RB_CONFIG) || { echo "ramboot: no configuration in $(O): run make <board>_defconfig first" >&2; exit 1; }
	$(Q)$(KCONFIG_ENV) kconfig-conf --savedefconfig=$(or $(DEFCONFIG),defconfig) Config.in
	@echo "ramboot: wrote $(or $(DEFCONFIG),defconfig)"

list-defconfigs:
	@for f in configs/*_defconfig; do echo "  $$(basename $$f)"; done

.PHONY: oldconfig olddefconfig menuconfig nconfig savedefconfig list-defconfigs

# ---------------------------------------------------------------- packages

ifeq ($(filter-out $(NOCONFIG_TARGETS),$(or $(MAKECMDGOALS),all)),)
NEED_CONFIG :=
else
NEED_CONFIG := y
endif

# Kconfig symbols come from .config alone: a symbol it leaves unset must
# not come in from the environment (RB_CCACHE=y exported in a shell would
# turn ccache on behind the configuration's back). RB_ variables that are
# not symbols (RB_JLEVEL, RB_APPEND for run-qemu.sh, the tests' RB_TEST_*)
# pass.
RB_ENV_ALLOWED := RB_JLEVEL RB_APPEND RB_TOP RB_TEST_% RB_BENCH_% RB_REPRO_%
$(foreach v,$(filter-out $(RB_ENV_ALLOWED),$(filter RB_%,$(.VARIABLES))),\
	$(if $(filter environment,$(origin $(v))),$(eval undefine $(v))))

ifeq ($(NEED_CONFIG),y)
ifeq ($(wildcard $(RB_CONFIG)),)
$(error ramboot: no configuration in $(O): run make <board>_defconfig first (make list-defconfigs))
endif
include $(RB_CONFIG)
endif

BOARD_DIR := $(call qstrip,$(RB_BOARD_DIR))
DL_DIR ?= $(call qstrip,$(RB_DL_DIR))
ifeq ($(DL_DIR),)
DL_DIR := $(TOPDIR)/dl
endif
override DL_DIR := $(abspath $(DL_DIR))

# Every step runs in a fixed environment: the same inputs, the same bytes.
RB_SOURCE_DATE_EPOCH_CFG := $(call qstrip,$(RB_SOURCE_DATE_EPOCH))
# SOURCE_DATE_EPOCH: the configured one, else the newest commit of this
# tree, else the newest mtime of the configuration and the recipes.
SOURCE_DATE_EPOCH := $(or $(RB_SOURCE_DATE_EPOCH_CFG),\
	$(shell git -C $(TOPDIR) log -1 --format=%ct 2>/dev/null),\
	$(shell find Config.in configs package board -type f -printf '%T@\n' 2>/dev/null | \
		sort -n | tail -n 1 | cut -d. -f1),0)
export SOURCE_DATE_EPOCH
export TZ := UTC
export LC_ALL := C
export LANG := C
export KBUILD_BUILD_TIMESTAMP := @$(SOURCE_DATE_EPOCH)
export KBUILD_BUILD_USER := ramboot
export KBUILD_BUILD_HOST := ramboot
export KBUILD_BUILD_VERSION := 1
export RB_TIMING_LOG := $(BUILD_DIR)/build-time.log
export RB_PRIMARY_SITE := $(call qstrip,$(RB_PRIMARY_SITE))
export RB_BACKUP_SITE := $(call qstrip,$(RB_BACKUP_SITE))
export RB_DEBIAN_SOURCES := $(if $(RB_DEBIAN_SOURCES),y,n)

ifeq ($(RB_CCACHE),y)
CCACHE := ccache
export CCACHE_DIR := $(call qstrip,$(RB_CCACHE_DIR))
export CCACHE_BASEDIR := $(O)
# Paths differ between output directories; content does not.
export CCACHE_NOHASHDIR := 1
export CCACHE_SLOPPINESS := file_macro,time_macros,include_file_mtime,include_file_ctime
endif
HOSTCC := $(if $(CCACHE),$(CCACHE) gcc,gcc)

# Packages build one at a time, each with all the cores.
PARALLEL_JOBS := $(or $(RB_JLEVEL),$(shell getconf _NPROCESSORS_ONLN 2>/dev/null),2)

# Sub-makes of the packages run with this environment.
TARGET_CC := $(TOOLCHAIN_PREFIX)gcc
# The wrapper maps the output directory out of objects (__FILE__, debug
# info): the same objects from any output directory.
TARGET_MAKE_ENV := PATH=$(HOST_DIR)/bin:$$PATH RB_PREFIX_MAP=$(O)=/ramboot \
	$(if $(CCACHE),RB_WRAPPER_CCACHE=$(shell command -v ccache))
TARGET_CROSS := $(TOOLCHAIN_PREFIX)

include package/pkg.mk
include $(sort $(wildcard package/*/*.mk))

ifeq ($(NEED_CONFIG),y)
$(call pkg-prepare,$(PACKAGES-y))
endif

# A hash file that -dirclean removed, for a package not prepared above.
$(BUILD_DIR)/.hash/%: ;

# ---------------------------------------------------------------- host

HOST_DEPS_STAMP := $(HOST_DIR)/.stamp_host_deps
host-deps $(HOST_DEPS_STAMP): support/scripts/host-deps
	$(Q)support/scripts/host-deps $(if $(RB_CCACHE),ccache)
	$(Q)mkdir -p $(HOST_DIR) && touch $(HOST_DEPS_STAMP)
.PHONY: host-deps

$(addsuffix -source,$(ALL_PACKAGES)) $(foreach p,$(ALL_PACKAGES),$(BUILD_DIR)/$(p)/.stamp_downloaded): | $(HOST_DEPS_STAMP)

source: $(addsuffix -source,$(PACKAGES-y))
.PHONY: source

include images.mk

all: images

# ---------------------------------------------------------------- tests

check: host-deps
	$(Q)tests/run $(TESTS)

check-reproducible:
	$(Q)tests/reproducible.sh $(or $(DEFCONFIG),qemu_x86_64_defconfig)

check-fuzz:
	$(Q)$(MAKE) -C support/mkcpio fuzz

bench:
	$(Q)tests/bench.sh $(DEFCONFIG)

.PHONY: check check-reproducible check-fuzz bench

# ---------------------------------------------------------------- clean

clean:
	$(Q)rm -rf $(BUILD_DIR) $(HOST_DIR) $(TARGET_DIR) $(INITRAMFS_DIR) $(IMAGES_DIR) $(O)/staging

distclean:
	$(Q)rm -rf $(O)

help:
	@echo 'Configuration:'
	@echo '  <board>_defconfig     configure for a board (make list-defconfigs)'
	@echo '  menuconfig, nconfig   change the configuration'
	@echo '  oldconfig, olddefconfig  update it after Config.in changed'
	@echo '  savedefconfig         write a minimal defconfig (DEFCONFIG=file)'
	@echo 'Build:'
	@echo '  all (default)         build output/images'
	@echo '  source                download every source, so the build runs offline'
	@echo '  run                   boot output/images in QEMU'
	@echo '  <pkg>                 build one package; also <pkg>-source, -extract,'
	@echo '                        -patch, -configure, -build, -install, -rebuild,'
	@echo '                        -reconfigure, -dirclean'
	@echo '  clean, distclean      remove the build / all of the output'
	@echo 'Tests:'
	@echo '  check                 the test suite (TESTS="name ..." for some)'
	@echo '  check-reproducible    build twice in different places, compare images'
	@echo '  check-fuzz            fuzz mkcpio for a bounded time'
	@echo '  bench                 build, no-op, overlay-edit and boot figures'
	@echo 'Variables: O=dir (output), V=1 (verbose), DL_DIR=dir (environment)'
.PHONY: clean distclean help
