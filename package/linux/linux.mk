# The Linux kernel. Its build step installs the sanitized headers into the
# sysroot (uClibc-ng needs them); the kernel itself is built once, by the
# image step in images.mk, after the root tree and its spec are complete.

LINUX_VERSION = 6.1.176
LINUX_SOURCE = linux-$(LINUX_VERSION).tar.xz
LINUX_SITE = https://cdn.kernel.org/pub/linux/kernel/v6.x
LINUX_DEBIAN = linux
LINUX_DEBIAN_SOURCE = linux_$(LINUX_VERSION).orig.tar.xz
LINUX_LICENSE = GPL-2.0
LINUX_PATCH_DIRS = kernel-patches
LINUX_FRAGMENTS = $(call qstrip,$(RB_LINUX_KERNEL_CONFIG_FRAGMENT))
LINUX_CONFIG_FILES = $(LINUX_FRAGMENTS)
LINUX_CONFIG_VARS = RB_LINUX_KERNEL_TINYCONFIG RB_LINUX_KERNEL_ALLNOCONFIG \
	RB_TARGET_INITRAMFS_EMBEDDED

LINUX_MAKE = $(MAKE) -C $(LINUX_DIR) -j$(PARALLEL_JOBS) ARCH=x86_64 HOSTCC='$(HOSTCC)' \
	CC='$(HOSTCC)'

# The base: tinyconfig is allnoconfig with the tiny fragments on top.
LINUX_BASE = $(if $(RB_LINUX_KERNEL_TINYCONFIG),kernel/configs/tiny-base.config \
	kernel/configs/tiny.config arch/x86/configs/tiny.config)

# The initramfs is the spec file, named relative to the kernel tree so the
# configuration is the same in every output directory.
define LINUX_RAMBOOT_CONFIG
CONFIG_INITRAMFS_SOURCE="$(if $(RB_TARGET_INITRAMFS_EMBEDDED),../../images/rootfs.spec)"
endef

define LINUX_CONFIGURE_CMDS
	cd $(@D) && cat $(LINUX_BASE) /dev/null >.rb-allconfig
	cd $(TOPDIR) && cat $(LINUX_FRAGMENTS) >>$(@D)/.rb-allconfig
	echo '$(LINUX_RAMBOOT_CONFIG)' >>$(@D)/.rb-allconfig
	$(LINUX_MAKE) KCONFIG_ALLCONFIG=.rb-allconfig allnoconfig
	cd $(TOPDIR) && support/scripts/kconfig-check $(@D)/.config $(LINUX_FRAGMENTS)
endef

define LINUX_BUILD_CMDS
	$(LINUX_MAKE) headers_install INSTALL_HDR_PATH=$(@D)/.rb-headers
endef

define LINUX_INSTALL_CMDS
	mkdir -p $(STAGING_DIR)/usr/include
	cp -a $(@D)/.rb-headers/include/. $(STAGING_DIR)/usr/include/
endef

PACKAGES-$(RB_LINUX_KERNEL) += linux
$(eval $(package))
