/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * mark.h - the marks ovl leaves on the host-side veths it creates, in
 * their ifalias (IFLA_IFALIAS, at most 255 bytes), so that what is ovl's,
 * and which instance's, can be told from the kernel alone:
 *
 *   ovl-cni:<instance>:<network>:<container id>:<ifname>
 *             a container's attachment, made by the CNI plugin (DEL finds
 *             it without state, GC without ovld)
 *   ovl-vnic:<instance>:<name>:<netns>
 *             a VNIC made by ovld (`ovlctl vnic create`); netns is the
 *             namespace of the VNIC ("" for the host's), last because a
 *             namespace name may hold ':', and cut to fit
 *
 * ovld accepts as an endpoint only a veth marked for its own instance, and
 * on start-up removes the VNIC veths marked for it that its state does not
 * know (a crash between creating one and saving the state).
 */
#ifndef OVL_MARK_H
#define OVL_MARK_H

#include <stddef.h>

#define OVL_CNI_ALIAS_PREFIX  "ovl-cni:"  /* the CNI plugin's host ends */
#define OVL_VNIC_ALIAS_PREFIX "ovl-vnic:" /* ovld's VNIC host ends */
#define OVL_ALIAS_MAX	      256	  /* IFALIASZ: 255 bytes and NUL */

/**
 * ovl_cni_alias_format() - "ovl-cni:<instance>:<network>:<container id>:<ifname>",
 * the host end's ifalias. Return: 0 or -ENAMETOOLONG (over 255 bytes).
 */
int ovl_cni_alias_format(const char *instance, const char *network, const char *container_id,
			 const char *ifname, char *buf, size_t len);
/* Split an alias made by ovl_cni_alias_format(). Return: 0 or -EINVAL. */
int ovl_cni_alias_parse(const char *alias, char *instance, size_t ilen, char *network, size_t nlen,
			char *container_id, size_t clen, char *ifname, size_t flen);

/**
 * ovl_vnic_alias_format() - "ovl-vnic:<instance>:<name>:<netns>"; a netns
 * that does not fit is cut (the mark says whose the veth is; the name and
 * the namespace are for people reading `ip link`).
 * Return: 0, or -ENAMETOOLONG when instance and name alone do not fit.
 */
int ovl_vnic_alias_format(const char *instance, const char *name, const char *netns, char *buf,
			  size_t len);
/* Split an alias made by ovl_vnic_alias_format() (netns may be empty).
 * Return: 0 or -EINVAL. */
int ovl_vnic_alias_parse(const char *alias, char *instance, size_t ilen, char *name, size_t nlen,
			 char *netns, size_t slen);

#endif /* OVL_MARK_H */
