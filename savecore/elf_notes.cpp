// SPDX-License-Identifier: GPL-2.0
#include "savecore/elf_notes.h"

#include <bit>
#include <cstring>

#include "common/error.h"
#include "savecore/elf_handle.h"

namespace pd {

NoteWalk walk_notes(const std::vector<uint8_t> &segment)
{
	NoteWalk w;
	if (segment.empty())
		return w;

	// libelf walks notes only inside an Elf: the segment goes behind
	// an ELF header of the host's byte order, the kernel's.
	GElf_Ehdr eh = {};
	const size_t ehsize = elf64_fsize(ELF_T_EHDR, 1, EV_CURRENT);
	std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = static_cast<uint16_t>(ehsize);
	std::vector<char> image(ehsize + segment.size());
	std::memcpy(image.data(), &eh, ehsize);
	std::memcpy(image.data() + ehsize, segment.data(), segment.size());

	ElfHandle elf = elf_memory_or_throw(image.data(), image.size(), "ELF notes");
	Elf_Data *data = elf_getdata_rawchunk(elf.get(), static_cast<int64_t>(ehsize),
					      segment.size(), ELF_T_NHDR);
	if (!data)
		throw_libelf(strprintf("ELF notes (%zu bytes): elf_getdata_rawchunk", segment.size()));

	size_t pos = 0;
	while (pos + sizeof(GElf_Nhdr) <= segment.size()) {
		GElf_Nhdr raw;
		std::memcpy(&raw, segment.data() + pos, sizeof(raw));
		if (!raw.n_namesz && !raw.n_descsz && !raw.n_type)
			break;		// zero padding after the last note
		ElfNote n;
		size_t name_off = 0, desc_off = 0;
		size_t next = gelf_getnote(data, pos, &n.hdr, &name_off, &desc_off);
		if (!next) {
			w.overrun = raw;
			break;
		}
		n.offset = pos;
		n.name = std::string_view(reinterpret_cast<const char *>(segment.data()) + name_off,
					  n.hdr.n_namesz);
		n.desc_offset = desc_off;
		w.notes.push_back(n);
		pos = next;
	}
	w.end = pos;
	return w;
}

} // namespace pd
