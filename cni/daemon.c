// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * daemon.c - see daemon.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backends.h"
#include "daemon.h"

int ovl_cni_daemon_open(struct ovl_cni_daemon *o, const char *instance, struct ovl_cni_err *e)
{
	memset(o, 0, sizeof(*o));
	if (ovl_ctl_socket_path(instance, o->sock, sizeof(o->sock)))
		return ovl_cni_error(e, OVL_CNI_E_CONFIG, "invalid network configuration",
				     "\"instance\": \"%s\" makes too long a socket path", instance);
	o->ctl = ovl_ctl_connect(o->sock);
	if (!o->ctl) {
		o->connect_errno = errno;
		return ovl_cni_error(e, OVL_CNI_E_OVLD, "ovld is not reachable",
				     "cannot connect to ovld instance \"%s\" at %s: %s; is ovld "
				     "running (ovld --instance %s)?",
				     instance, o->sock, strerror(errno), instance);
	}
	return 0;
}

void ovl_cni_daemon_close(struct ovl_cni_daemon *o)
{
	ovl_ctl_close(o->ctl);
	o->ctl = NULL;
}

int ovl_cni_daemon_call(struct ovl_cni_daemon *o, json_t *req, json_t **res, int *errnum,
			struct ovl_cni_err *e)
{
	char err[512];
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	int ret;

	*errnum = 0;
	if (res)
		*res = NULL;
	if (!req)
		return ovl_cni_error(e, OVL_CNI_E_IO, "out of memory", NULL);
	ret = ovl_ctl_call(o->ctl, req, res, err, sizeof(err));
	if (!ret) {
		json_decref(req);
		return 0;
	}
	/* A broken connection is worth a retry; anything else is ovld's own
	 * answer (or not one it can give). */
	if (ovl_ctl_last_error(o->ctl) == OVL_CTL_EIO)
		ret = ovl_cni_error(e, OVL_CNI_E_TRY_AGAIN, "ovld did not answer", "%s to %s: %s",
				    cmd ? cmd : "request", o->sock, err);
	else {
		*errnum = -ret;
		ret = ovl_cni_error(e, OVL_CNI_E_REFUSED, "ovld refused the request", "%s: %s",
				    cmd ? cmd : "request", err);
	}
	json_decref(req);
	return ret;
}

int ovl_cni_daemon_overlay(struct ovl_cni_daemon *o, const struct ovl_netconf *nc,
			   struct ovl_cni_overlay *ov, struct ovl_cni_err *e)
{
	json_t *list = NULL, *x, *found = NULL;
	int errnum, ret;
	size_t i;

	memset(ov, 0, sizeof(*ov));
	ret = ovl_cni_daemon_call(o, json_pack("{s:s}", "cmd", OVL_CMD_OVERLAY_LIST), &list,
				  &errnum, e);
	if (ret)
		return ret;
	json_array_foreach(list, i, x) {
		const char *name = json_string_value(json_object_get(x, "name"));
		json_int_t vni = json_integer_value(json_object_get(x, "vni"));

		if (nc->overlay[0] ? (name && !strcmp(name, nc->overlay)) : vni == nc->vni) {
			found = x;
			break;
		}
	}
	if (!found) {
		if (nc->overlay[0])
			ret = ovl_cni_error(e, OVL_CNI_E_NO_OVERLAY, "no such overlay",
					    "ovld instance \"%s\" has no overlay \"%s\" (ovlctl "
					    "overlay list)",
					    nc->instance, nc->overlay);
		else
			ret = ovl_cni_error(e, OVL_CNI_E_NO_OVERLAY, "no such overlay",
					    "ovld instance \"%s\" has no overlay with VNI %u "
					    "(ovlctl overlay list)",
					    nc->instance, nc->vni);
		json_decref(list);
		return ret;
	}
	snprintf(ov->name, sizeof(ov->name), "%s",
		 json_string_value(json_object_get(found, "name")));
	ov->vni = (__u32)json_integer_value(json_object_get(found, "vni"));
	ov->mtu = (unsigned int)json_integer_value(json_object_get(found, "mtu"));
	snprintf(ov->error, sizeof(ov->error), "%s",
		 json_string_value(json_object_get(found, "error")) ?: "");
	{
		json_t *props = json_object_get(found, "props");

		snprintf(ov->gateways, sizeof(ov->gateways), "%s",
			 json_string_value(json_object_get(props, "router/gateway")) ?: "");
		ov->masquerade = ovl_prop_bool(json_object_get(props, "router/masquerade")) == 1;
	}
	json_decref(list);
	if (nc->overlay[0] && nc->has_vni && ov->vni != nc->vni)
		return ovl_cni_error(e, OVL_CNI_E_NO_OVERLAY, "no such overlay",
				     "overlay \"%s\" of ovld instance \"%s\" has VNI %u, the "
				     "configuration says %u",
				     ov->name, nc->instance, ov->vni, nc->vni);
	return 0;
}
