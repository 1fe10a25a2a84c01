# panicdump top-level build.
#   make            the module (against KDIR) and the userspace tools
#   make module     only panicdump.ko and pdtest.ko
#   make tools      only dumpadm and savecore (CMake, in build/)
#   make unit       the GoogleTest units
#   make test       everything the CI runs (scripts/test.sh)
#   make demo       boot a guest, crash it, save the dump, open it in crash

# The running kernel's build tree, else the installed Debian 6.1 headers.
KVER ?= $(shell uname -r)
KDIR ?= $(firstword $(wildcard /lib/modules/$(KVER)/build) \
		$(lastword $(sort $(wildcard /usr/src/linux-headers-6.1.*-amd64))))
BUILD ?= build

.PHONY: all module tools unit test demo clean

all: module tools

module:
	@test -n "$(KDIR)" || { echo "no kernel headers: set KDIR or install linux-headers-amd64" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

tools:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j$$(nproc)

unit: tools
	cd $(BUILD) && ctest --output-on-failure

test:
	bash scripts/test.sh

demo:
	bash scripts/demo.sh

clean:
	-test -n "$(KDIR)" && $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)
