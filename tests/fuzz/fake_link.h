/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * fake_link.h - what the ctl harness asks of its link table
 * (tests/fuzz/fake_link.c, lib/veth.h's functions in memory).
 */
#ifndef OVL_FAKE_LINK_H
#define OVL_FAKE_LINK_H

#include <stddef.h>

/* Links in the table, in every network namespace ("lo" not counted). */
size_t fake_link_count(void);

/* Forget every link, as if their namespaces were gone. */
void fake_link_reset(void);

#endif /* OVL_FAKE_LINK_H */
