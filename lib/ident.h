/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ident.h - the rules for names a user chooses: overlays, VNICs and
 * instances (ovl's own rule), CNI network names and container IDs (the
 * CNI spec's), interface names (the kernel's), and names that become one
 * component of a path (network namespaces, IPAM plugins). ovlctl, the CNI
 * plugin and ovld call these, so that a name one accepts the others do too.
 */
#ifndef OVL_IDENT_H
#define OVL_IDENT_H

#include <stdbool.h>
#include <stddef.h>

/* The characters of ovl_name_valid(), as messages list them. */
#define OVL_NAME_CHARS "A-Z a-z 0-9 _ . -"

/* Flags of ovl_name_valid(). */
#define OVL_NAME_ALNUM_FIRST (1u << 0) /* the first a letter or digit (the CNI spec's names) */
#define OVL_NAME_NO_DOT	     (1u << 1) /* no '.' at all (instances: the bpffs refuses it) */

/**
 * ovl_name_valid() - is @s 1 to @max characters of OVL_NAME_CHARS, and
 * neither "." nor ".."? (It may name a file: an overlay's state, a VNIC's
 * interface, an instance's socket.) @flags: OVL_NAME_*, stricter still.
 * NULL is not valid.
 */
bool ovl_name_valid(const char *s, size_t max, unsigned int flags);

/**
 * ovl_ifname_valid() - is @s a name the kernel accepts for an interface
 * (dev_valid_name(), which the CNI spec repeats): 1 to 15 bytes, not "."
 * or "..", without '/', ':', white space or control characters?
 */
bool ovl_ifname_valid(const char *s);

/**
 * ovl_file_name_valid() - is @s one component of a path: not empty, not
 * "." or "..", without '/'? (A network namespace under /run/netns, a
 * plugin under CNI_PATH.)
 */
bool ovl_file_name_valid(const char *s);

#endif /* OVL_IDENT_H */
