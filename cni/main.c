// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - the `ovl` CNI plugin binary (ovl-cni(8)). Single-threaded, as
 * setns() requires; plugin_main.c does the CNI plumbing.
 */
#include "cni.h"

int main(void)
{
	return ovl_cni_main("ovl", ovl_cni_run);
}
