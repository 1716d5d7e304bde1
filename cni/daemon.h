/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * daemon.h - the plugin's side of ovld's control socket (lib/ctl.h): the
 * instance named by the configuration, its overlays and endpoints.
 */
#ifndef OVL_CNI_DAEMON_H
#define OVL_CNI_DAEMON_H

#include "cni.h"

struct ovl_cni_daemon {
	struct ovl_ctl *ctl;
	char sock[128];
	int connect_errno; /* why the last open failed */
};

struct ovl_cni_overlay {
	char name[32];
	__u32 vni;
	unsigned int mtu;   /* ovld's endpoint MTU for it; 0 if it did not say */
	char error[256];    /* its backend's last error, "" when fine */
	char gateways[128]; /* its router's (property router/gateway), "" for none */
	bool masquerade;    /* its router masquerades (router/masquerade) */
};

/* Connect to the instance. Code 100 when it is not running or refuses. */
int ovl_cni_daemon_open(struct ovl_cni_daemon *o, const char *instance, struct ovl_cni_err *e);
void ovl_cni_daemon_close(struct ovl_cni_daemon *o);

/**
 * ovl_cni_daemon_call() - one request (consumed).
 * @res: the result on success (new reference), may be NULL.
 * @errnum: set to ovld's errno (positive) on a refusal, 0 otherwise.
 * Return: 0, 101 when ovld refused (its message in e), 11 when the
 * connection failed half-way.
 */
int ovl_cni_daemon_call(struct ovl_cni_daemon *o, json_t *req, json_t **res, int *errnum,
			struct ovl_cni_err *e);

/* The configuration's overlay, by name or VNI (both must agree when both
 * are given). Code 102 when ovld has no such overlay. */
int ovl_cni_daemon_overlay(struct ovl_cni_daemon *o, const struct ovl_netconf *nc,
			   struct ovl_cni_overlay *ov, struct ovl_cni_err *e);

#endif /* OVL_CNI_DAEMON_H */
