# SPDX-License-Identifier: GPL-2.0-only
#
# images.mk: from the installed packages to output/images.
#
#   target-finalize   every make: the overlays over the target tree; then,
#                     for the initramfs tree (the target tree, or with
#                     RB_TARGET_ROOTFS_EXT4 output/initramfs), images/
#                     rootfs.spec from the tree and the device table and
#                     images/.rootfs.hash (spec + file contents); with ext4,
#                     the same for the target tree in build/target.spec and
#                     images/.target.hash. Each file is rewritten only when
#                     its content changes.
#   bzImage           the kernel, built once, after .rootfs.hash: its
#                     embedded initramfs is CONFIG_INITRAMFS_SOURCE =
#                     rootfs.spec. Skipped entirely when nothing changed.
#   rootfs.cpio.gz    the external initrd, from the same spec (mkcpio).
#   rootfs.ext4       the target tree as ext4, built by debugfs from
#                     target.spec in its order (support/scripts/mkext4).
#   run-qemu.sh       the command `make run` runs.
#   manifest          packages, their sources and hashes, and the images'.

MKCPIO := $(HOST_DIR)/bin/mkcpio
DEVICE_TABLE := $(call qstrip,$(RB_ROOTFS_DEVICE_TABLE))
OVERLAYS := $(call qstrip,$(RB_ROOTFS_OVERLAY))

# Specs name files as ${RB_TARGET_DIR}/... or ${RB_INITRAMFS_DIR}/...: the
# same text in every output directory. mkcpio and the kernel's
# gen_init_cpio expand them.
export RB_TARGET_DIR := $(TARGET_DIR)
export RB_INITRAMFS_DIR := $(INITRAMFS_DIR)
ifeq ($(RB_TARGET_ROOTFS_EXT4),y)
INITRAMFS_TREE := $(INITRAMFS_DIR)
INITRAMFS_VAR := RB_INITRAMFS_DIR
else
INITRAMFS_TREE := $(TARGET_DIR)
INITRAMFS_VAR := RB_TARGET_DIR
endif
EXT4_SIZE := $(call qstrip,$(RB_TARGET_ROOTFS_EXT4_SIZE))
EXT4_UUID := $(call qstrip,$(RB_TARGET_ROOTFS_EXT4_UUID))

IMAGES-$(RB_LINUX_KERNEL) += $(IMAGES_DIR)/bzImage
IMAGES-$(RB_TARGET_INITRAMFS_EXTERNAL) += $(IMAGES_DIR)/rootfs.cpio.gz
IMAGES-$(RB_TARGET_ROOTFS_EXT4) += $(IMAGES_DIR)/rootfs.ext4
IMAGES-y += $(IMAGES_DIR)/run-qemu.sh

# Images carry SOURCE_DATE_EPOCH; a new one (a new commit) remakes them.
SDE_STAMP := $(BUILD_DIR)/.hash/source-date-epoch
ifeq ($(NEED_CONFIG),y)
$(shell mkdir -p $(BUILD_DIR)/.hash; [ "$$(cat $(SDE_STAMP) 2>/dev/null)" = $(SOURCE_DATE_EPOCH) ] || \
	echo $(SOURCE_DATE_EPOCH) >$(SDE_STAMP))
endif

images: $(IMAGES-y)
.PHONY: images

$(MKCPIO): $(wildcard support/mkcpio/*.c support/mkcpio/*.h support/mkcpio/Makefile) | $(HOST_DEPS_STAMP)
	@echo '>>> host mkcpio'
	$(Q)mkdir -p $(BUILD_DIR)/host-mkcpio
	$(Q)$(MAKE) -C support/mkcpio BUILD_DIR=$(BUILD_DIR)/host-mkcpio \
		>$(BUILD_DIR)/host-mkcpio/build.log 2>&1 || \
		{ echo "ramboot: mkcpio failed to build; log: $(BUILD_DIR)/host-mkcpio/build.log" >&2; \
		tail -n 20 $(BUILD_DIR)/host-mkcpio/build.log >&2; exit 1; }
	$(Q)mkdir -p $(@D) && install -m 0755 $(BUILD_DIR)/host-mkcpio/mkcpio $@

# update-if-changed TMP FILE: keep FILE (and its mtime) when TMP is the same
update-if-changed = if cmp -s $(1) $(2); then rm -f $(1); else mv $(1) $(2); fi

# tree-spec TREE VAR SPEC HASH: SPEC for TREE (locations as ${VAR}/...),
# and HASH of the spec and every file's content
define tree-spec
	$(Q)mkdir -p $(1)
	$(Q)$(MKCPIO) --from-dir $(1) --squash --var $(2) \
		$(if $(DEVICE_TABLE),--table $(DEVICE_TABLE)) -o $(3).tmp
	$(Q)$(call update-if-changed,$(3).tmp,$(3))
	$(Q){ cat $(3); cd $(1) && find . -type f | LC_ALL=C sort | xargs -r sha256sum; } >$(4).tmp
	$(Q)$(call update-if-changed,$(4).tmp,$(4))
endef

target-finalize: $(PACKAGES-y) $(MKCPIO)
	$(Q)mkdir -p $(IMAGES_DIR) $(TARGET_DIR)
	$(Q)umask 022; for d in $(OVERLAYS); do \
		test -d $$d || { echo "ramboot: overlay $$d: no such directory (RB_ROOTFS_OVERLAY)" >&2; exit 1; }; \
		cp -R $$d/. $(TARGET_DIR)/; done
	$(call tree-spec,$(INITRAMFS_TREE),$(INITRAMFS_VAR),$(IMAGES_DIR)/rootfs.spec,$(IMAGES_DIR)/.rootfs.hash)
	$(if $(RB_TARGET_ROOTFS_EXT4),$(call tree-spec,$(TARGET_DIR),RB_TARGET_DIR,$(BUILD_DIR)/target.spec,$(IMAGES_DIR)/.target.hash))
.PHONY: target-finalize

$(IMAGES_DIR)/.rootfs.hash $(IMAGES_DIR)/rootfs.spec $(IMAGES_DIR)/.target.hash: target-finalize ;

# Kbuild decides whether to regenerate its cpio by mtime, and every file is
# dated SOURCE_DATE_EPOCH: remove the cpio so a changed tree is picked up.
define LINUX_IMAGE_CMDS
	rm -f $(LINUX_DIR)/usr/initramfs_data.cpio
	$(LINUX_MAKE) bzImage
	cp $(LINUX_DIR)/arch/x86/boot/bzImage $(IMAGES_DIR)/bzImage.tmp
	mv $(IMAGES_DIR)/bzImage.tmp $(IMAGES_DIR)/bzImage
endef

$(IMAGES_DIR)/bzImage: $(LINUX_DIR)/.stamp_installed $(BUILD_DIR)/.hash/linux.cfg $(SDE_STAMP) \
		$(if $(RB_TARGET_INITRAMFS_EMBEDDED),$(IMAGES_DIR)/.rootfs.hash) | target-finalize
	$(file >$(LINUX_DIR)/.rb-image.sh,$(LINUX_IMAGE_CMDS))
	$(Q)$(STEP) linux image 'Building bzImage' $(LINUX_DIR)/.rb-image.sh

$(IMAGES_DIR)/rootfs.cpio.gz: $(IMAGES_DIR)/.rootfs.hash $(MKCPIO) $(SDE_STAMP)
	@echo '>>> rootfs.cpio.gz'
	$(Q)$(MKCPIO) -t $(SOURCE_DATE_EPOCH) -z gzip -o $@ $(IMAGES_DIR)/rootfs.spec

# Built from the spec in its order, not from the tree in readdir order:
# the same bytes on any host, no root needed (support/scripts/mkext4).
$(IMAGES_DIR)/rootfs.ext4: $(IMAGES_DIR)/.target.hash $(SDE_STAMP) \
		support/scripts/mkext4 support/scripts/mke2fs.conf
	@echo '>>> rootfs.ext4'
	$(Q)support/scripts/mkext4 $@ $(EXT4_SIZE) $(EXT4_UUID) $(SOURCE_DATE_EPOCH) \
		$(TARGET_DIR) $(BUILD_DIR)/target.spec $(BUILD_DIR)

$(IMAGES_DIR)/run-qemu.sh: $(BOARD_DIR)/run-qemu $(RB_CONFIG)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's|@INITRD@|$(if $(RB_TARGET_INITRAMFS_EXTERNAL),-initrd "$$IMAGES/rootfs.cpio.gz")|' \
		-e 's|@DRIVE@|$(if $(RB_TARGET_ROOTFS_EXT4),-drive file="$$IMAGES/rootfs.ext4"$(,)if=virtio$(,)format=raw)|' \
		-e 's|@APPEND@|$(if $(RB_TARGET_ROOTFS_EXT4),root=/dev/vda rootwait)|' \
		$(BOARD_DIR)/run-qemu >$@.tmp && chmod 755 $@.tmp && mv $@.tmp $@

# The manifest: what went in and what came out, to compare two builds by
# reading two small files.
$(IMAGES_DIR)/manifest: $(IMAGES-y) $(foreach p,$(PACKAGES-y),$(BUILD_DIR)/$(p)/.stamp_installed)
	$(Q){ echo "SOURCE_DATE_EPOCH $(SOURCE_DATE_EPOCH)"; \
	$(foreach p,$(PACKAGES-y),$(call manifest-package,$(p));) \
	cd $(IMAGES_DIR) && for f in $(notdir $(IMAGES-y)) rootfs.spec; do \
		echo "image $$f $$(sha256sum $$f | cut -d' ' -f1)"; done; } >$@.tmp
	$(Q)mv $@.tmp $@

# package NAME VERSION SOURCE SHA256 CONFIG-HASH
manifest-package = f=$$(cat $(BUILD_DIR)/$(1)/.source 2>/dev/null || echo -); \
	h=$$(awk -v n="$$f" '$$1 == "sha256" && $$3 == n { print $$2 }' package/$(1)/$(1).hash 2>/dev/null); \
	echo "package $(1) $($(call pkg-upper,$(1))_VERSION) $$f $${h:--} $(call pkg-cfg-hash,$(1))"

images: $(IMAGES_DIR)/manifest

run: all
	$(IMAGES_DIR)/run-qemu.sh
.PHONY: run
