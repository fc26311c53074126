/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * librbcompat.a: what the host's libgcc_eh.a expects from a C library and
 * uClibc-ng does not have.
 *
 * Debian's libgcc_eh.a (gcc 12, built for glibc >= 2.35) looks up unwind
 * tables with _dl_find_object(). Returning -1 ("not found") sends it down
 * its older path, dl_iterate_phdr(), which uClibc-ng provides; static
 * programs (NPTL's cancellation unwinding among them) link and work.
 */

struct dl_find_object;

int _dl_find_object(void *pc, struct dl_find_object *result);

int _dl_find_object(void *pc, struct dl_find_object *result)
{
	(void)pc;
	(void)result;
	return -1;
}
