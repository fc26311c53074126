# klibc: built with the host gcc against the kernel's sanitized headers.
# klcc, klibc's headers and libraries go to output/host (klcc hard-codes
# its prefix at build time); the static utilities in RB_PACKAGE_KLIBC_UTILS
# go to the target.

KLIBC_VERSION = 2.0.12
KLIBC_SOURCE = klibc-$(KLIBC_VERSION).tar.xz
KLIBC_SITE = https://mirrors.kernel.org/pub/linux/libs/klibc/2.0
KLIBC_DEBIAN = klibc
KLIBC_DEBIAN_SOURCE = klibc_$(KLIBC_VERSION).orig.tar.xz
KLIBC_LICENSE = BSD-3-Clause, GPL-2.0
KLIBC_DEPENDENCIES = linux
KLIBC_UTILS = $(call qstrip,$(RB_PACKAGE_KLIBC_UTILS))

# The same variables for build and install: `make install` runs `make all`
# again, and a changed command line would recompile everything.
KLIBC_MAKE = $(MAKE) -C $(@D) -j$(PARALLEL_JOBS) KLIBCARCH=x86_64 CROSS_COMPILE= \
	CC='$(HOSTCC)' HOSTCC='$(HOSTCC)' KLIBCKERNELSRC=$(STAGING_DIR)/usr \
	prefix=$(HOST_DIR) V=1

# `make install` also puts klibc-<hash>.so into /lib: install into a
# scratch root and take klcc, the headers and the libraries from there.
KLIBC_SCRATCH = $(@D)/.rb-install

define KLIBC_BUILD_CMDS
	$(KLIBC_MAKE)
endef

# The utilities first, so that a wrong name fails at once. install(1)
# replaces a busybox link rather than writing through it.
define KLIBC_INSTALL_CMDS
	for u in $(KLIBC_UTILS); do \
		f=$$(ls $(@D)/usr/*/static/$$u $(@D)/usr/kinit/*/static/$$u 2>/dev/null | head -n 1); \
		[ -n "$$f" ] || { echo "klibc: $$u: no such static utility (RB_PACKAGE_KLIBC_UTILS)" >&2; exit 1; }; \
		case $$u in run-init) d=sbin ;; *) d=bin ;; esac; \
		install -D -m 0755 $$f $(TARGET_DIR)/$$d/$$u; \
	done
	rm -rf $(KLIBC_SCRATCH) $(HOST_DIR)/lib/klibc
	$(KLIBC_MAKE) install INSTALLROOT=$(KLIBC_SCRATCH)
	mkdir -p $(HOST_DIR)/bin $(HOST_DIR)/lib/klibc
	install -m 0755 $(KLIBC_SCRATCH)$(HOST_DIR)/bin/klcc $(HOST_DIR)/bin/klcc
	cp -R $(KLIBC_SCRATCH)$(HOST_DIR)/lib/klibc/include \
		$(KLIBC_SCRATCH)$(HOST_DIR)/lib/klibc/lib $(HOST_DIR)/lib/klibc/
endef

PACKAGES-$(RB_PACKAGE_KLIBC) += klibc
$(eval $(package))
