# uClibc-ng, built static with the host gcc against the kernel's sanitized
# headers and installed into the sysroot. The compiler that uses it is the
# toolchain package.

UCLIBC_NG_VERSION = 1.0.35
UCLIBC_NG_SOURCE = uClibc-ng-$(UCLIBC_NG_VERSION).tar.xz
UCLIBC_NG_SITE = https://downloads.uclibc-ng.org/releases/$(UCLIBC_NG_VERSION)
UCLIBC_NG_DEBIAN = uclibc
UCLIBC_NG_DEBIAN_SOURCE = uclibc_$(UCLIBC_NG_VERSION).orig.tar.xz
UCLIBC_NG_LICENSE = LGPL-2.1
UCLIBC_NG_DEPENDENCIES = linux
UCLIBC_NG_FRAGMENTS = package/uclibc-ng/uclibc.config \
	$(call qstrip,$(RB_PACKAGE_UCLIBC_NG_CONFIG_FRAGMENT))
UCLIBC_NG_CONFIG_FILES = $(UCLIBC_NG_FRAGMENTS)

# uClibc-ng 1.0.35 does not build out of tree: it builds in its source.
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
endef

define UCLIBC_NG_INSTALL_CMDS
	$(UCLIBC_NG_MAKE) install PREFIX=$(STAGING_DIR)
endef

PACKAGES-$(RB_PACKAGE_UCLIBC_NG) += uclibc-ng
$(eval $(package))
