// SPDX-License-Identifier: GPL-2.0
#define pr_fmt(fmt) "panicdump: " fmt
/*
 * CPU registers and the ELF notes of the dump.
 *
 * With crash_kexec_post_notifiers=Y (dumpadm sets it), panic() stops the
 * other CPUs by NMI before the notifiers run and each of them saves its
 * registers in its crash_notes slot. The panicking CPU is not saved by
 * anyone without kexec, so we save it ourselves, into its own slot too:
 * crash and drgn consult the in-memory crash_notes, and the copy inside
 * the dump must agree with the file's notes.
 */
#include "pd_kcompat.h"
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/kexec.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <asm/irqflags.h>
#include <asm/unwind.h>
#include <asm/user.h>

#include "pd_internal.h"

PD_STATIC_ASSERT(sizeof(struct elf_prstatus) == KDUMP_PRSTATUS_SIZE,
		 "elf_prstatus size");
PD_STATIC_ASSERT(offsetof(struct elf_prstatus, pr_reg) ==
		 KDUMP_PRSTATUS_REG_OFF, "pr_reg offset");
PD_STATIC_ASSERT(sizeof(elf_gregset_t) == sizeof(struct user_regs_struct),
		 "pr_reg layout");

/*
 * Moves ip, sp and bp to the first frame outside this module, the panic
 * notifier chain's: crash and drgn then unwind from vmlinux code with
 * vmlinux's debug info alone, as they do from __crash_kexec() under kdump.
 * Callee-saved registers stay as captured, so values of locals in the
 * frames above may be off; the backtrace is not.
 */
static void pd_unwind_out_of_module(struct pt_regs *r)
{
	struct unwind_state state;
	bool seen_module = false;
	int frames = 0;

	for (unwind_start(&state, current, NULL, NULL);
	     !unwind_done(&state) && frames < 64;
	     unwind_next_frame(&state), frames++) {
		if (within_module(state.ip, THIS_MODULE)) {
			seen_module = true;
			continue;
		}
		if (seen_module) {
			r->ip = state.ip;
			r->sp = state.sp;
			r->bp = state.bp;
			return;
		}
	}
}

/*
 * The registers here. crash_setup_regs() does the same but its pushfq
 * makes objtool complain, hence native_save_fl().
 */
static noinline void pd_capture_regs(struct pt_regs *r)
{
	memset(r, 0, sizeof(*r));
	asm volatile("movq %%rbx,%0" : "=m"(r->bx));
	asm volatile("movq %%rcx,%0" : "=m"(r->cx));
	asm volatile("movq %%rdx,%0" : "=m"(r->dx));
	asm volatile("movq %%rsi,%0" : "=m"(r->si));
	asm volatile("movq %%rdi,%0" : "=m"(r->di));
	asm volatile("movq %%rbp,%0" : "=m"(r->bp));
	asm volatile("movq %%rax,%0" : "=m"(r->ax));
	asm volatile("movq %%rsp,%0" : "=m"(r->sp));
	asm volatile("movq %%r8,%0" : "=m"(r->r8));
	asm volatile("movq %%r9,%0" : "=m"(r->r9));
	asm volatile("movq %%r10,%0" : "=m"(r->r10));
	asm volatile("movq %%r11,%0" : "=m"(r->r11));
	asm volatile("movq %%r12,%0" : "=m"(r->r12));
	asm volatile("movq %%r13,%0" : "=m"(r->r13));
	asm volatile("movq %%r14,%0" : "=m"(r->r14));
	asm volatile("movq %%r15,%0" : "=m"(r->r15));
	asm volatile("movl %%ss, %%eax;" : "=a"(r->ss));
	asm volatile("movl %%cs, %%eax;" : "=a"(r->cs));
	r->flags = native_save_fl();
	r->ip = _THIS_IP_;
	pd_unwind_out_of_module(r);
}

static void pd_fill_prstatus(struct elf_prstatus *prs, const struct pt_regs *regs)
{
	struct user_regs_struct *u = (struct user_regs_struct *)&prs->pr_reg;

	memset(prs, 0, sizeof(*prs));
	prs->common.pr_pid = current->pid;
	/* ELF_CORE_COPY_REGS order; the user GS base is not ours to read. */
	u->r15 = regs->r15;
	u->r14 = regs->r14;
	u->r13 = regs->r13;
	u->r12 = regs->r12;
	u->bp = regs->bp;
	u->bx = regs->bx;
	u->r11 = regs->r11;
	u->r10 = regs->r10;
	u->r9 = regs->r9;
	u->r8 = regs->r8;
	u->ax = regs->ax;
	u->cx = regs->cx;
	u->dx = regs->dx;
	u->si = regs->si;
	u->di = regs->di;
	u->orig_ax = regs->orig_ax;
	u->ip = regs->ip;
	u->cs = regs->cs;
	u->flags = regs->flags;
	u->sp = regs->sp;
	u->ss = regs->ss;
	u->fs_base = current->thread.fsbase;
	savesegment(ds, u->ds);
	savesegment(es, u->es);
	savesegment(fs, u->fs);
	savesegment(gs, u->gs);
}

static void *pd_cpu_note_slot(const struct pd_notes *n, unsigned int cpu)
{
	if (cpu >= n->nr_cpus || !n->crash_notes[cpu])
		return NULL;
	return __va(n->crash_notes[cpu]);
}

/*
 * Saves the panicking CPU's registers into its crash_notes slot. For an
 * oops too: unwinding from panic() runs through oops_end() and the
 * exception frame, which crash shows as the exception RIP.
 */
void pd_regs_save_panic_cpu(const struct pd_notes *n)
{
	struct elf_prstatus prs;
	struct pt_regs regs;
	u8 *slot = pd_cpu_note_slot(n, raw_smp_processor_id());
	u64 size;

	pd_capture_regs(&regs);
	pd_fill_prstatus(&prs, &regs);
	if (!slot)
		return;
	/* crash_save_cpu()'s layout: the note, then an empty final note. */
	size = kdump_put_note(slot, CRASH_CORE_NOTE_BYTES, KEXEC_CORE_NOTE_NAME,
			      NT_PRSTATUS, &prs, sizeof(prs));
	if (size && size + sizeof(struct elf_note) <= CRASH_CORE_NOTE_BYTES)
		memset(slot + size, 0, sizeof(struct elf_note));
}

size_t pd_notes_capacity(u32 nr_cpus)
{
	return nr_cpus * kdump_note_size(sizeof(KEXEC_CORE_NOTE_NAME),
					 KDUMP_PRSTATUS_SIZE) +
	       kdump_note_size(sizeof(VMCOREINFO_NOTE_NAME),
			       VMCOREINFO_BYTES + 64);
}

/* A CPU's saved PRSTATUS, or NULL when it never answered the stop NMI. */
static const void *pd_cpu_prstatus(const struct pd_notes *notes,
				   unsigned int cpu)
{
	const struct elf_note *n = pd_cpu_note_slot(notes, cpu);

	if (!n || n->n_namesz != sizeof(KEXEC_CORE_NOTE_NAME) ||
	    n->n_type != NT_PRSTATUS || n->n_descsz != KDUMP_PRSTATUS_SIZE ||
	    memcmp(n + 1, KEXEC_CORE_NOTE_NAME, sizeof(KEXEC_CORE_NOTE_NAME)))
		return NULL;
	return (const u8 *)(n + 1) + ALIGN(sizeof(KEXEC_CORE_NOTE_NAME), 4);
}

/*
 * Builds the notes blob: one PRSTATUS per CPU in CPU order (readers map
 * notes to CPUs by position; a zeroed one stands for a CPU that did not
 * stop), then VMCOREINFO with CRASHTIME, which only kexec adds otherwise.
 */
size_t pd_notes_build(struct pd_notes *n, u64 *vmcoreinfo_text_off,
		      u64 *vmcoreinfo_size)
{
	static const struct elf_prstatus zero_prs;
	const struct elf_note *vmci = __va(paddr_vmcoreinfo_note());
	u8 *p = n->buf, *end = n->buf + n->cap;
	struct elf_note *nhdr;
	char *text;
	u32 len = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < n->nr_cpus; cpu++) {
		const void *prs = pd_cpu_prstatus(n, cpu);

		p += kdump_put_note(p, end - p, KEXEC_CORE_NOTE_NAME,
				    NT_PRSTATUS, prs ? prs : &zero_prs,
				    KDUMP_PRSTATUS_SIZE);
	}

	/* Build the VMCOREINFO note in place: header, name, then the text. */
	*vmcoreinfo_text_off = (p - n->buf) + sizeof(struct elf_note) +
			       ALIGN(sizeof(VMCOREINFO_NOTE_NAME), 4);
	text = (char *)n->buf + *vmcoreinfo_text_off;
	if (vmci->n_namesz == sizeof(VMCOREINFO_NOTE_NAME) &&
	    vmci->n_descsz <= VMCOREINFO_BYTES) {
		len = vmci->n_descsz;
		memcpy(text, (const u8 *)(vmci + 1) +
		       ALIGN(sizeof(VMCOREINFO_NOTE_NAME), 4), len);
	}
	len += scnprintf(text + len, 64, "CRASHTIME=%lld\n",
			 (long long)ktime_get_real_seconds());
	memset(text + len, 0, ALIGN(len, 4) - len);
	nhdr = (struct elf_note *)p;
	nhdr->n_namesz = sizeof(VMCOREINFO_NOTE_NAME);
	nhdr->n_descsz = len;
	nhdr->n_type = 0;
	memset(nhdr + 1, 0, ALIGN(sizeof(VMCOREINFO_NOTE_NAME), 4));
	memcpy(nhdr + 1, VMCOREINFO_NOTE_NAME, sizeof(VMCOREINFO_NOTE_NAME));
	p += kdump_note_size(sizeof(VMCOREINFO_NOTE_NAME), len);
	*vmcoreinfo_size = len;
	return p - n->buf;
}
