/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * print.h - the table machinery of ovlctl's human output, private to the
 * printers: print.c (tables, lists) and print_status.c (status, stats,
 * monitor events). The printers themselves are declared in ovlctl.h.
 */
#ifndef OVLCTL_PRINT_H
#define OVLCTL_PRINT_H

#include <stdio.h>
#include <jansson.h>

#define OVLCTL_MAX_COLS 10 /* columns of a table */

/* A table: header line, rows of cells, columns as wide as the widest cell. */
struct ovlctl_table {
	int ncols;
	const char *hdr[OVLCTL_MAX_COLS];
	unsigned int right; /* bit i: column i is right-aligned (numbers) */
	char **cell;	    /* nrows * ncols, malloc'ed strings; NULL prints "-" */
	char **note;	    /* per row: a line printed under it, or NULL */
	int nrows, cap;
};

/* A JSON value as a table cell (malloc'ed; NULL when out of memory). */
char *ovlctl_val_str(json_t *v);
/* A new row of ncols empty cells. Return: its cells, or NULL. */
char **ovlctl_table_row(struct ovlctl_table *t);
/* The header and the rows, each line after indent; nothing for no rows. */
void ovlctl_table_print(const struct ovlctl_table *t, const char *indent, FILE *out);
void ovlctl_table_free(struct ovlctl_table *t);

#endif /* OVLCTL_PRINT_H */
