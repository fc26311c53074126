# The toolchain: support/toolchain-wrapper as x86_64-rb-linux-uclibc-gcc
# (and -cc, -cpp, -ld, -ar... links), compiling with the host gcc against
# uClibc-ng in the sysroot, and librbcompat.a beside libc.a.

TOOLCHAIN_VERSION = 1
TOOLCHAIN_LICENSE = GPL-2.0
TOOLCHAIN_DEPENDENCIES = uclibc-ng
TOOLCHAIN_CONFIG_FILES = $(sort $(wildcard support/toolchain-wrapper/*.c \
	support/toolchain-wrapper/Makefile)) package/toolchain/rbcompat.c
TOOLCHAIN_TOOLS = cc cpp ld ar as nm objcopy objdump ranlib readelf strip \
	strings size addr2line

define TOOLCHAIN_BUILD_CMDS
	$(MAKE) -C $(TOPDIR)/support/toolchain-wrapper BUILD_DIR=$(@D)/wrapper
	gcc -O2 -c -nostdinc -isystem $(STAGING_DIR)/usr/include \
		-o $(@D)/rbcompat.o $(TOPDIR)/package/toolchain/rbcompat.c
endef

define TOOLCHAIN_INSTALL_CMDS
	rm -f $(STAGING_DIR)/usr/lib/librbcompat.a
	ar rcD $(STAGING_DIR)/usr/lib/librbcompat.a $(@D)/rbcompat.o
	mkdir -p $(HOST_DIR)/bin
	install -m 0755 $(@D)/wrapper/toolchain-wrapper $(TOOLCHAIN_PREFIX)gcc
	for t in $(TOOLCHAIN_TOOLS); do \
		ln -sf x86_64-rb-linux-uclibc-gcc $(TOOLCHAIN_PREFIX)$$t; done
	ln -sfn $(STAGING_DIR) $(O)/staging
endef

PACKAGES-$(RB_PACKAGE_UCLIBC_NG) += toolchain
$(eval $(package))
