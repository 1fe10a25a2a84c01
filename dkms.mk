# SPDX-License-Identifier: GPL-2.0
# Builds panicdump.ko alone from its installed source tree; make install
# puts this file there as the Makefile (/usr/src/panicdump-VERSION), next
# to dkms.conf, which calls it with KDIR=$kernel_source_dir.
KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

.PHONY: modules clean
