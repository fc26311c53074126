# support/init as the initramfs' /init, static, built with klcc (klibc) or
# the uClibc-ng toolchain wrapper. It goes into the initramfs tree, not
# the real root's.

RB_INIT_VERSION = 1
RB_INIT_LICENSE = GPL-2.0
RB_INIT_DEPENDENCIES = $(if $(RB_INIT_LIBC_KLIBC),klibc,toolchain)
RB_INIT_CONFIG_FILES = $(sort $(wildcard support/init/*.c support/init/*.h)) \
	support/init/Makefile
RB_INIT_CONFIG_VARS = RB_INIT_LIBC_KLIBC RB_INIT_LIBC_UCLIBC
RB_INIT_CC = $(if $(RB_INIT_LIBC_KLIBC),$(HOST_DIR)/bin/klcc,$(TARGET_CC))

define RB_INIT_BUILD_CMDS
	$(MAKE) -C $(TOPDIR)/support/init BUILD_DIR=$(@D)/build CC=$(RB_INIT_CC) \
		CFLAGS=-Os STATIC=-static
endef

define RB_INIT_INSTALL_CMDS
	mkdir -p $(INITRAMFS_DIR)/dev $(INITRAMFS_DIR)/proc $(INITRAMFS_DIR)/sys \
		$(INITRAMFS_DIR)/root
	install -m 0755 $(@D)/build/init $(INITRAMFS_DIR)/init
	strip $(INITRAMFS_DIR)/init
endef

PACKAGES-$(RB_PACKAGE_RB_INIT) += rb-init
$(eval $(package))
