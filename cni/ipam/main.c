// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - `ovl-ipam` (ovl_ipam.c, ovl-ipam(8)).
 */
#include "ovl_ipam.h"

int main(void)
{
	return ovl_cni_main("ovl-ipam", ovl_ipam_run);
}
