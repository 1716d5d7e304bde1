// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * caps.c - what ovld may still do once it has started.
 *
 * Start-up needs much of root: mount a bpffs, load and pin programs and
 * maps (CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN), raise RLIMIT_MEMLOCK on old
 * kernels (CAP_SYS_RESOURCE), open a packet socket (CAP_NET_RAW), attach
 * to the underlay. After it, the event loop only writes maps it holds open,
 * creates and configures veths, attaches TC filters to them, enters
 * containers' network namespaces and reads and writes root's own files. So
 * ovld keeps the capabilities of keep[] below, in its effective, permitted
 * and bounding sets, empties its inheritable and ambient sets, and sets
 * no_new_privs: nothing it could be tricked into doing, and nothing it
 * could exec, gets more. It stays uid 0, the owner of the files it uses
 * (/run/ovl, the state directory, the pins), which needs no capability.
 *
 * Each capability kept was found needed by dropping it and running the
 * e2e tests (see ovld(8), PRIVILEGES, for what fails without it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "ovld.h"
#include "log.h"

static const struct {
	int cap;
	const char *name;
} keep[] = {
	/* links, TC filters and qdiscs, ethtool offloads, forwarding sysctls of
	 * endpoints' veths, in the host and in containers' namespaces */
	{ CAP_NET_ADMIN, "cap_net_admin" },
	/* setns() into a container's or a VNIC's network namespace; the ids of
	 * programs attached to a veth (bpf_prog_get_fd_by_id) */
	{ CAP_SYS_ADMIN, "cap_sys_admin" },
};

int caps_drop(struct ovld *d)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	char kept[128] = "";
	__u64 have, want = 0;
	int err;

	(void)d;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data)) {
		err = -errno;
		pr_err("read capabilities: %s", strerror(-err));
		return err;
	}
	have = data[0].permitted | (__u64)data[1].permitted << 32;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (!(have & 1ull << keep[i].cap)) {
			pr_warn("started without %s: what needs it will fail", keep[i].name);
			continue;
		}
		want |= 1ull << keep[i].cap;
		snprintf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
			 kept[0] ? " " : "", keep[i].name);
	}
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which
	 * goes with the rest below. Started without it (a service manager
	 * that already narrowed the sets), ovld cannot, and says so.
	 * PR_CAPBSET_READ fails past the kernel's last capability. */
	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if ((want & 1ull << cap) || prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			continue;
		if (!(have & 1ull << CAP_SETPCAP)) {
			pr_warn("no CAP_SETPCAP: the bounding set stays as it was given");
			break;
		}
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			err = -errno;
			pr_err("drop capability %d from the bounding set: %s", cap, strerror(-err));
			return err;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL) {
		err = -errno;
		pr_err("clear the ambient capabilities: %s", strerror(-err));
		return err;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = (__u32)want;
	data[1].effective = data[1].permitted = (__u32)(want >> 32);
	if (syscall(SYS_capset, &hdr, data)) {
		err = -errno;
		pr_err("drop capabilities: %s", strerror(-err));
		return err;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		pr_err("set no_new_privs: %s", strerror(-err));
		return err;
	}
	pr_info("capabilities: kept %s, dropped every other; no_new_privs set",
		kept[0] ? kept : "none");
	return 0;
}
