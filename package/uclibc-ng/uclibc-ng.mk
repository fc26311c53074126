# uClibc-ng, built static with the host gcc against the kernel's sanitized
# headers and installed into the sysroot, and the toolchain wrapper that
# compiles against it: output/host/bin/x86_64-rb-linux-uclibc-gcc.

UCLIBC_NG_VERSION = 1.0.35
UCLIBC_NG_SOURCE = uClibc-ng-$(UCLIBC_NG_VERSION).tar.xz
UCLIBC_NG_SITE = https://downloads.uclibc-ng.org/releases/$(UCLIBC_NG_VERSION)
UCLIBC_NG_DEBIAN = uclibc
UCLIBC_NG_DEBIAN_SOURCE = uclibc_$(UCLIBC_NG_VERSION).orig.tar.xz
UCLIBC_NG_LICENSE = LGPL-2.1
UCLIBC_NG_DEPENDENCIES = linux
UCLIBC_NG_FRAGMENTS = package/uclibc-ng/uclibc.config \
	$(call qstrip,$(RB_PACKAGE_UCLIBC_NG_CONFIG_FRAGMENT))
UCLIBC_NG_WRAPPER_FILES = $(wildcard support/toolchain-wrapper/*.c support/toolchain-wrapper/Makefile)
UCLIBC_NG_CONFIG_FILES = $(UCLIBC_NG_FRAGMENTS) $(UCLIBC_NG_WRAPPER_FILES) \
	package/uclibc-ng/rbcompat.c

# uClibc-ng 1.0.35 does not build out of tree: it builds in $(@D).
UCLIBC_NG_MAKE = $(MAKE) -C $(@D) -j$(PARALLEL_JOBS) ARCH=x86_64 CROSS_COMPILE= \
	CC='$(HOSTCC)' HOSTCC=gcc KERNEL_HEADERS=$(STAGING_DIR)/usr/include

define UCLIBC_NG_CONFIGURE_CMDS
	$(UCLIBC_NG_MAKE) defconfig
	$(TOPDIR)/support/scripts/kconfig-merge $(@D)/.config $(addprefix $(TOPDIR)/,$(UCLIBC_NG_FRAGMENTS))
	$(UCLIBC_NG_MAKE) olddefconfig </dev/null
	$(TOPDIR)/support/scripts/kconfig-check $(@D)/.config $(addprefix $(TOPDIR)/,$(UCLIBC_NG_FRAGMENTS))
endef

define UCLIBC_NG_BUILD_CMDS
	$(UCLIBC_NG_MAKE)
	$(MAKE) -C $(TOPDIR)/support/toolchain-wrapper BUILD_DIR=$(@D)/.rb-wrapper
	gcc -O2 -c -nostdinc -isystem $(STAGING_DIR)/usr/include \
		-o $(@D)/.rb-rbcompat.o $(TOPDIR)/package/uclibc-ng/rbcompat.c
endef

define UCLIBC_NG_INSTALL_CMDS
	$(UCLIBC_NG_MAKE) install PREFIX=$(STAGING_DIR)
	rm -f $(STAGING_DIR)/usr/lib/librbcompat.a
	ar rcD $(STAGING_DIR)/usr/lib/librbcompat.a $(@D)/.rb-rbcompat.o
	mkdir -p $(HOST_DIR)/bin
	install -m 0755 $(@D)/.rb-wrapper/toolchain-wrapper $(TOOLCHAIN_PREFIX)gcc
	for t in cc cpp ld ar as nm objcopy objdump ranlib readelf strip strings size addr2line; do \
		ln -sf x86_64-rb-linux-uclibc-gcc $(TOOLCHAIN_PREFIX)$$t; done
	ln -sfn $(STAGING_DIR) $(O)/staging
endef

PACKAGES-$(RB_PACKAGE_UCLIBC_NG) += uclibc-ng
$(eval $(package))
