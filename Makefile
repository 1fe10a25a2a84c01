# panicdump top-level build.
#   make            the module (against KDIR) and the userspace tools
#   make module     only panicdump.ko and pdtest.ko (PD_TEST=1: the tests'
#                   build, with fault injection; never installed)
#   make tools      only dumpadm and savecore (CMake, in build/)
#   make unit       the GoogleTest units
#   make coverage   line coverage of the writer's core by its host tests
#                   (tests/coverage.sh: clang, llvm-cov; fails under 90%)
#   make test       everything the CI runs (scripts/test.sh)
#   make demo       boot a guest, crash it, save the dump, open it in crash
#   make install    the tools, man pages, systemd units and the module's DKMS
#                   source tree (DESTDIR, PREFIX=/usr/local; see below)
#   make uninstall  removes what make install put there
#   make check-boot the systemd boot test: a Debian 12 guest configured once
#                   with dumpadm, crashed and saved automatically (slow:
#                   about 7 minutes under TCG, 3 more the first time;
#                   tests/boot/run.sh)
#   make tutorial   regenerate docs/tutorial.md from a real run (two
#                   guests, crash/drgn/gdb sessions: about 6 minutes)
#   make check-full every e2e scenario on virtio, NVMe and SATA, 6.1 and
#                   6.12, plus partitions, UEFI, 1 and 4 vCPUs, 4k blocks,
#                   IOMMU, NMI (slow: hours under TCG; see the target
#                   below), and make coverage

# The running kernel's build tree, else the installed Debian 6.1 headers.
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
		$(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64))))
BUILD ?= build

.PHONY: all module tools unit test coverage demo tutorial clean

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: set KDIR or install linux-headers-amd64" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 PD_TEST=$(PD_TEST) modules

tools:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$$(nproc)

unit: tools
	cd $(BUILD) && ctest --output-on-failure

test:
	bash scripts/test.sh

coverage:
	bash tests/coverage.sh

demo:
	bash scripts/demo.sh

tutorial: module tools
	bash docs/tutorial.sh

clean:
	-test -n "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

# make install [DESTDIR=/tmp/stage] [PREFIX=/usr] ...
#   $(SBINDIR)          dumpadm, savecore
#   $(MANDIR)/man8      dumpadm.8, savecore.8
#   $(SYSTEMDUNITDIR)   savecore.service, dumpadm.service (not enabled:
#                       systemctl enable savecore.service dumpadm.service)
#   $(MODULESLOADDIR)   panicdump.conf: load the module early at boot
#   $(MODPROBEDIR)      panicdump.conf: load it before pvpanic
#   $(DKMSDIR)          the module's source, Kbuild, Makefile and dkms.conf
#                       (dkms install panicdump/$(VERSION))
# /etc/dumpadm.conf and the savecore directory are left alone by both.
VERSION ?= 0.1
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
MODULESLOADDIR ?= $(PREFIX)/lib/modules-load.d
MODPROBEDIR ?= $(PREFIX)/lib/modprobe.d
DKMSDIR ?= /usr/src/panicdump-$(VERSION)
PD_MANPAGES = $(wildcard man/dumpadm.8 man/savecore.8)
PD_UNITS = savecore.service dumpadm.service

.PHONY: install uninstall check-boot

install: tools
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SYSTEMDUNITDIR) $(DESTDIR)$(MODULESLOADDIR) \
		$(DESTDIR)$(MODPROBEDIR)
	install -m 0755 $(BUILD)/dumpadm $(BUILD)/savecore $(DESTDIR)$(SBINDIR)/
	$(if $(PD_MANPAGES),install -m 0644 $(PD_MANPAGES) $(DESTDIR)$(MANDIR)/man8/)
	for u in $(PD_UNITS); do \
		sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/$$u >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u || exit 1; \
	done
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)/swap.d
	install -m 0644 systemd/swap.d-panicdump-savecore.conf $(DESTDIR)$(SYSTEMDUNITDIR)/swap.d/panicdump-savecore.conf
	install -m 0644 systemd/modules-load.conf $(DESTDIR)$(MODULESLOADDIR)/panicdump.conf
	install -m 0644 systemd/modprobe.conf $(DESTDIR)$(MODPROBEDIR)/panicdump.conf
	rm -rf $(DESTDIR)$(DKMSDIR)
	install -d $(DESTDIR)$(DKMSDIR)/capture/core $(DESTDIR)$(DKMSDIR)/capture/kernel \
		$(DESTDIR)$(DKMSDIR)/formats
	install -m 0644 $(wildcard capture/core/*.c capture/core/*.h) $(DESTDIR)$(DKMSDIR)/capture/core/
	install -m 0644 $(wildcard capture/kernel/*.c capture/kernel/*.h) $(DESTDIR)$(DKMSDIR)/capture/kernel/
	install -m 0644 $(wildcard formats/*.c formats/*.h) $(DESTDIR)$(DKMSDIR)/formats/
	sed '/pdtest/d; /^ifeq ($$(PD_TEST),1)/,/^endif/d' Kbuild >$(DESTDIR)$(DKMSDIR)/Kbuild
	install -m 0644 dkms.mk $(DESTDIR)$(DKMSDIR)/Makefile
	sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DESTDIR)$(DKMSDIR)/dkms.conf
	chmod 0644 $(DESTDIR)$(DKMSDIR)/Kbuild $(DESTDIR)$(DKMSDIR)/dkms.conf
	@if [ -z "$(DESTDIR)" ]; then \
		echo "installed; next: dkms install panicdump/$(VERSION), systemctl daemon-reload," \
		     "systemctl enable savecore.service dumpadm.service, dumpadm -d DEVICE"; \
	fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,dumpadm savecore)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,dumpadm.8 savecore.8)
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(PD_UNITS))
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/swap.d/panicdump-savecore.conf
	-rmdir $(DESTDIR)$(SYSTEMDUNITDIR)/swap.d 2>/dev/null
	rm -f $(DESTDIR)$(MODULESLOADDIR)/panicdump.conf $(DESTDIR)$(MODPROBEDIR)/panicdump.conf
	rm -rf $(DESTDIR)$(DKMSDIR)

check-boot:
	bash tests/boot/run.sh

# make check-full: scripts/test.sh with every e2e scenario on virtio, NVMe
# and SATA, 6.1 and 6.12, and the device matrix: dump partitions on all
# three controllers (6.1) and on virtio and NVMe (6.12), OVMF (UEFI) on
# virtio and NVMe, 1 and 4 vCPUs, 4096-byte blocks, IOMMU translation, NMI
# dumps (tests/e2e/run.sh full, --list names them: 170 scenarios, several
# hours under TCG on 2 cores), then the core's line coverage (make
# coverage: its own clang build, about 7 minutes cold, so not in the
# default test command).
.PHONY: check-full
check-full:
	PD_E2E_SCENARIOS=full bash scripts/test.sh
	bash tests/coverage.sh
