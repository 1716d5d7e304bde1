/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * pins.h - private to pins.c (the pin directory, its ABI marker) and
 * pins_migrate.c (maps of an older layout). What the rest of ovld calls
 * is declared in ovld.h.
 */
#ifndef OVLD_PINS_H
#define OVLD_PINS_H

#include "ovld.h"

#define ABI_NOW ((__u32)OVL_ABI_VERSION)

/* Pin the marker of this ovld's ABI if it is not there, then remove older
 * markers. Return: 0 or -errno (logged). */
int pins_marker_write(struct ovld *d);

/* Close the pin directory's fd (pins_close() also lets the migrated maps'
 * old versions go). */
void pins_close_dir(struct ovld *d);

#endif /* OVLD_PINS_H */
