// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "test.h"

void test_smoke(void)
{
	ASSERT_EQ(1 + 1, 2, "arith");
}
