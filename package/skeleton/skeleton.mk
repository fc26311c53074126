# The root filesystem skeleton: directories, /init, inittab and rcS,
# passwd, group, profile and the hostname. Owners and modes of the image
# come from the device table, not from here.

SKELETON_VERSION = 1
SKELETON_LICENSE = GPL-2.0
SKELETON_FILES = $(shell find package/skeleton/files -type f | LC_ALL=C sort)
SKELETON_CONFIG_FILES = $(SKELETON_FILES)
SKELETON_CONFIG_VARS = RB_HOSTNAME
SKELETON_DIRS = bin dev etc lib mnt proc root run sbin sys tmp usr/bin usr/sbin var

define SKELETON_INSTALL_CMDS
	mkdir -p $(addprefix $(TARGET_DIR)/,$(SKELETON_DIRS))
	cp -R $(TOPDIR)/package/skeleton/files/. $(TARGET_DIR)/
	ln -sfn sbin/init $(TARGET_DIR)/init
	echo $(call qstrip,$(RB_HOSTNAME)) >$(TARGET_DIR)/etc/hostname
endef

PACKAGES-$(RB_PACKAGE_SKELETON) += skeleton
$(eval $(package))
