# SPDX-License-Identifier: GPL-2.0-only
#
# package/pkg.mk: the one generic package state machine.
#
# A recipe, package/<pkg>/<pkg>.mk, sets <PKG>_* variables (data first,
# then short command blocks) and ends with `$(eval $(package))`. <PKG> is
# <pkg> in upper case with '-' as '_' (uclibc-ng: UCLIBC_NG).
#
# Each step is one rule that ends with `touch` on its stamp in
# $(BUILD_DIR)/<pkg>/, runs its commands as one shell script
# (.rb-<step>.sh beside the stamp, kept for debugging) and logs to
# build.log there:
#
#   step         stamp               runs when
#   download     .stamp_downloaded   the stamp is missing (after -dirclean)
#   extract      .stamp_extracted    downloaded, or the source hash changed
#   patch        .stamp_patched      extracted
#   configure    .stamp_configured   patched, or the config hash changed
#   build        .stamp_built        configured
#   install      .stamp_installed    built
#
# The source hash covers the version, the source file names, the patches
# and the recipe itself; the config hash covers the source hash, the
# package's RB_PACKAGE_<PKG>_* symbols and <PKG>_CONFIG_VARS, the files
# in <PKG>_CONFIG_FILES, and the config hashes of <PKG>_DEPENDENCIES. So a
# changed option rebuilds that package and what depends on it, and nothing
# else. The hashes live in $(BUILD_DIR)/.hash/<pkg>.{src,cfg}; a file is
# rewritten only when its hash changes, and the stamps depend on it.
#
# Phony targets: <pkg> <pkg>-source -extract -patch -configure -build
# -install -rebuild -reconfigure -dirclean.
#
# Recipe variables:
#   <PKG>_VERSION            version, part of every stamp's hash
#   <PKG>_SOURCE             upstream file name, fetched from <PKG>_SITE
#   <PKG>_SITE               upstream directory URL (http, https, file)
#   <PKG>_DEBIAN             Debian source package name (optional)
#   <PKG>_DEBIAN_SOURCE      the file name the Debian archive gives
#   <PKG>_DEPENDENCIES       packages installed before this one configures
#   <PKG>_PATCH_DIRS         more patch directories, after package/<pkg>/
#   <PKG>_CONFIG_FILES       files whose content is configuration
#   <PKG>_CONFIG_VARS        more variables whose value is configuration
#   <PKG>_{EXTRACT,CONFIGURE,BUILD,INSTALL}_CMDS   shell; $(@D) is the
#                            package directory, where the source lives
# A package without <PKG>_SOURCE has no download and no extract.

pkg-upper = $(strip $(subst -,_,$(call pkg-uc,$(1))))
pkg-uc = $(subst a,A,$(subst b,B,$(subst c,C,$(subst d,D,$(subst e,E,$(subst f,F,\
	$(subst g,G,$(subst h,H,$(subst i,I,$(subst j,J,$(subst k,K,$(subst l,L,\
	$(subst m,M,$(subst n,N,$(subst o,O,$(subst p,P,$(subst q,Q,$(subst r,R,\
	$(subst s,S,$(subst t,T,$(subst u,U,$(subst v,V,$(subst w,W,$(subst x,X,\
	$(subst y,Y,$(subst z,Z,$(1)))))))))))))))))))))))))))
pkg-sq = '$(subst ','\'',$(1))'

# The package being declared, from the recipe's file name.
pkg-name = $(basename $(notdir $(lastword $(filter package/%.mk,$(MAKEFILE_LIST)))))

# Steps run with an empty MAKEFLAGS: a package's make sees none of our flags
# or command-line variables, and gets -j$(PARALLEL_JOBS) from its recipe.
STEP = MAKEFLAGS= $(TOPDIR)/support/scripts/step

# pkg-step-rule: pkg, PKG, step, stamp, label, commands variable, prerequisites
define pkg-step-rule
$$($(2)_DIR)/.stamp_$(4): $(7)
	$$(file >$$(@D)/.rb-$(3).sh,$$($(6)))
	$$(Q)$$(STEP) $(1) $(3) '$(5)' $$(@D)/.rb-$(3).sh
	$$(Q)touch $$@

$(1)-$(3): $$($(2)_DIR)/.stamp_$(4)
.PHONY: $(1)-$(3)
endef

define pkg-download-cmds
	$(TOPDIR)/support/download/dl -p $(1) -H $(TOPDIR)/package/$(1)/$(1).hash \
		-o $(DL_DIR) -r $(@D)/.source -f $(call pkg-sq,$($(2)_SOURCE)) \
		-s $(call pkg-sq,$($(2)_SITE)) -d $(call pkg-sq,$($(2)_DEBIAN)) \
		-D $(call pkg-sq,$($(2)_DEBIAN_SOURCE)) -V $(call pkg-sq,$($(2)_VERSION)) \
		-a $(O)/host/apt
endef

define pkg-extract-cmds
	find $(@D) -mindepth 1 -maxdepth 1 ! -name '.stamp_downloaded' \
		! -name '.source' ! -name '.rb-*.sh' ! -name build.log -exec rm -rf {} +
	tar -xf $(DL_DIR)/$$(cat $(@D)/.source) -C $(@D) --strip-components=1 \
		--no-same-owner
endef

define pkg-patch-cmds
	$(TOPDIR)/support/scripts/apply-patches $(@D) $($(2)_PATCHES)
endef

define pkg-vars
$(2)_NAME = $(1)
$(2)_DIR = $$(BUILD_DIR)/$(1)
$(2)_PATCHES = $$(foreach d,package/$(1) $$($(2)_PATCH_DIRS),$$(sort $$(wildcard $$(d)/*.patch)))
$(2)_DOWNLOAD_CMDS ?= $$(if $$($(2)_SOURCE),$$(call pkg-download-cmds,$(1),$(2)))
$(2)_EXTRACT_CMDS ?= $$(if $$($(2)_SOURCE),$$(call pkg-extract-cmds,$(1),$(2)))
$(2)_PATCH_CMDS ?= $$(if $$($(2)_PATCHES),$$(call pkg-patch-cmds,$(1),$(2)))
endef

define pkg-rules
$(call pkg-step-rule,$(1),$(2),source,downloaded,Downloading,$(2)_DOWNLOAD_CMDS,)
$(call pkg-step-rule,$(1),$(2),extract,extracted,Extracting,$(2)_EXTRACT_CMDS,$$($(2)_DIR)/.stamp_downloaded $$(BUILD_DIR)/.hash/$(1).src)
$(call pkg-step-rule,$(1),$(2),patch,patched,Patching,$(2)_PATCH_CMDS,$$($(2)_DIR)/.stamp_extracted)
# Dependencies are order-only: a dependency whose configuration changed
# changes this package's config hash too, which is what rebuilds it.
$(call pkg-step-rule,$(1),$(2),configure,configured,Configuring,$(2)_CONFIGURE_CMDS,$$($(2)_DIR)/.stamp_patched $$(BUILD_DIR)/.hash/$(1).cfg | $$($(2)_DEPENDENCIES))
$(call pkg-step-rule,$(1),$(2),build,built,Building,$(2)_BUILD_CMDS,$$($(2)_DIR)/.stamp_configured)
$(call pkg-step-rule,$(1),$(2),install,installed,Installing,$(2)_INSTALL_CMDS,$$($(2)_DIR)/.stamp_built)

$(1): $(1)-install
$(1)-rebuild:
	$$(Q)rm -f $$($(2)_DIR)/.stamp_built $$($(2)_DIR)/.stamp_installed
	+$$(Q)$$(MAKE) O=$$(O) V=$$(V) $(1)
$(1)-reconfigure:
	$$(Q)rm -f $$($(2)_DIR)/.stamp_configured $$($(2)_DIR)/.stamp_built \
		$$($(2)_DIR)/.stamp_installed
	+$$(Q)$$(MAKE) O=$$(O) V=$$(V) $(1)
$(1)-dirclean:
	$$(Q)rm -rf $$($(2)_DIR) $$(BUILD_DIR)/.hash/$(1).src $$(BUILD_DIR)/.hash/$(1).cfg
.PHONY: $(1) $(1)-rebuild $(1)-reconfigure $(1)-dirclean
endef

ALL_PACKAGES += $(pkg-name)
package = $(eval $(call pkg-vars,$(pkg-name),$(call pkg-upper,$(pkg-name))))$(call pkg-rules,$(pkg-name),$(call pkg-upper,$(pkg-name)))

# Hashes. The source hash is what the extracted tree is made of; the
# config hash adds what it is configured with, and the config hashes of
# the dependencies (computed first, memoized in <PKG>_CFG_HASH).
pkg-files-missing = $(filter-out $(wildcard $(1)),$(1))

pkg-src-material = $(foreach v,VERSION SOURCE DEBIAN_SOURCE,$(2)_$(v)=$($(2)_$(v)))
pkg-cfg-material = $(foreach v,$(sort $(filter RB_PACKAGE_$(2)_%,$(.VARIABLES))) $($(2)_CONFIG_VARS),$(v)=$($(v))) \
	$(foreach d,$($(2)_DEPENDENCIES),dep:$(d)=$(call pkg-cfg-hash,$(d)))

# pkg-hash-file: pkg, kind, material words, files. Prints the hash and
# rewrites $(BUILD_DIR)/.hash/<pkg>.<kind> when it differs.
pkg-hash-file = $(shell f=$(BUILD_DIR)/.hash/$(1).$(2); \
	h=$$({ printf '%s\n' $(call pkg-sq,$(3)); cat $(4) /dev/null; } | sha256sum | cut -c1-16); \
	[ "$$(cat $$f 2>/dev/null)" = "$$h" ] || { mkdir -p $(BUILD_DIR)/.hash && echo $$h >$$f; }; \
	echo $$h)

define pkg-check-files
$(if $(call pkg-files-missing,$(2)),$(error $(1): configuration file not found: $(call pkg-files-missing,$(2))))
endef

pkg-src-hash = $(or $($(call pkg-upper,$(1))_SRC_HASH),$(eval $(call pkg-upper,$(1))_SRC_HASH := \
	$(call pkg-hash-file,$(1),src,$(call pkg-src-material,$(1),$(call pkg-upper,$(1))),\
	package/$(1)/$(1).mk $($(call pkg-upper,$(1))_PATCHES)))$($(call pkg-upper,$(1))_SRC_HASH))

pkg-cfg-hash = $(or $($(call pkg-upper,$(1))_CFG_HASH),$(call pkg-check-files,$(1),$($(call pkg-upper,$(1))_CONFIG_FILES))$(eval \
	$(call pkg-upper,$(1))_CFG_HASH := $(call pkg-hash-file,$(1),cfg,src=$(call pkg-src-hash,$(1)) \
	$(call pkg-cfg-material,$(1),$(call pkg-upper,$(1))),$($(call pkg-upper,$(1))_CONFIG_FILES)))$($(call pkg-upper,$(1))_CFG_HASH))

# Called once by the top Makefile for the selected packages, after all
# recipes are read: creates the package directories and the hash files.
pkg-prepare = $(shell mkdir -p $(addprefix $(BUILD_DIR)/,$(1)))$(foreach p,$(1),$(if $(call pkg-cfg-hash,$(p)),))
