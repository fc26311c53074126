# busybox: the userland, static, built with the uClibc-ng toolchain wrapper.

BUSYBOX_VERSION = 1.35.0
BUSYBOX_SOURCE = busybox-$(BUSYBOX_VERSION).tar.bz2
BUSYBOX_SITE = https://busybox.net/downloads
BUSYBOX_DEBIAN = busybox
BUSYBOX_DEBIAN_SOURCE = busybox_$(BUSYBOX_VERSION).orig.tar.bz2
BUSYBOX_LICENSE = GPL-2.0
BUSYBOX_DEPENDENCIES = toolchain
BUSYBOX_FRAGMENT = $(call qstrip,$(RB_PACKAGE_BUSYBOX_CONFIG))
BUSYBOX_CONFIG_FILES = $(BUSYBOX_FRAGMENT)
# Its banner carries a build date, which every object includes through
# autoconf.h.  Dated by its source (the newest file in the 1.35.0 tarball,
# 2021-12-26 16:56:57 UTC), not by this tree's SOURCE_DATE_EPOCH: a new
# ramboot commit neither recompiles busybox nor misses ccache.
BUSYBOX_SOURCE_DATE_EPOCH = 1640537817
BUSYBOX_CONFIG_VARS = BUSYBOX_SOURCE_DATE_EPOCH

BUSYBOX_MAKE = $(TARGET_MAKE_ENV) SOURCE_DATE_EPOCH=$(BUSYBOX_SOURCE_DATE_EPOCH) \
	$(MAKE) -C $(@D) -j$(PARALLEL_JOBS) \
	CROSS_COMPILE=$(TARGET_CROSS) HOSTCC='$(HOSTCC)' \
	CONFIG_PREFIX=$(TARGET_DIR) KBUILD_VERBOSE=1

define BUSYBOX_CONFIGURE_CMDS
	$(BUSYBOX_MAKE) defconfig
	$(TOPDIR)/support/scripts/kconfig-merge $(@D)/.config $(TOPDIR)/$(BUSYBOX_FRAGMENT)
	$(BUSYBOX_MAKE) oldconfig </dev/null
	$(TOPDIR)/support/scripts/kconfig-check $(@D)/.config $(TOPDIR)/$(BUSYBOX_FRAGMENT)
endef

define BUSYBOX_BUILD_CMDS
	$(BUSYBOX_MAKE)
endef

define BUSYBOX_INSTALL_CMDS
	$(BUSYBOX_MAKE) install
endef

PACKAGES-$(RB_PACKAGE_BUSYBOX) += busybox
$(eval $(package))
