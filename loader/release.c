// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * release.c - what ovld frees when it ends, top down: the control socket
 * and its clients, the miss path, the overlays and their backends, the
 * endpoints, the subscribers and the loop. The data path itself stays in
 * the kernel (dp_close() only lets go of ovld's handles on it).
 */
#include <stdlib.h>
#include "ovld.h"
#include "loop.h"
#include "router.h"

void ovld_release(struct ovld *d)
{
	ctl_close_all(d);
	miss_fini(d);
	overlay_free_all(d);
	while (d->eps) {
		struct ovl_ep *ep = d->eps;

		d->eps = ep->next;
		free(ep);
	}
	router_forwards_free(d);
	json_decref(d->unrestored);
	d->unrestored = NULL;
	events_fini(d);
	loop_free(d->loop);
	d->loop = NULL;
}
