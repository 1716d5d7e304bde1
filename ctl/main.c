// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * main.c - ovlctl(8), the command line of ovld. Everything is in
 * ovlctl_main() (ovlctl.c), which the unit tests call too.
 */
#include "ovlctl.h"

int main(int argc, char **argv)
{
	return ovlctl_main(argc, argv, stdout, stderr);
}
