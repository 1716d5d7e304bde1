// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * cmd.c - the programs ovld runs: ip and nft for the router zones
 * (router.c). Apart from router.c so that the unit tier and the fuzz
 * harnesses can link their own (tests/unit/fake_dp.c), as they do for
 * the rest of what talks to the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "ovld.h"

/*
 * Run argv (from PATH) in the network namespace nsfd (-1: ovld's), with
 * input on its stdin. Its stderr is kept for the message. Return: 0, or
 * -EIO with err "WHAT: its first line of complaint".
 */
int ovld_cmd(int nsfd, const char *input, const char *what, char *err, size_t errlen,
	     const char *const argv[])
{
	int in[2], out[2], status;
	char buf[1024];
	size_t got = 0;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC))
		return -errno;
	if (pipe2(out, O_CLOEXEC)) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int e = -errno;

		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return e;
	}
	if (!pid) {
		signal(SIGPIPE, SIG_DFL);
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET))
			_exit(126);
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "%s: %s%s\n", argv[0], strerror(errno),
			errno == ENOENT && !strcmp(argv[0], "nft") ? " (install nftables)" :
			errno == ENOENT				   ? " (install iproute2)" :
								     "");
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (input) {
		size_t n = strlen(input), off = 0;

		while (off < n) {
			ssize_t w = write(in[1], input + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	close(in[1]);
	for (;;) {
		ssize_t r = read(out[0], buf + got, sizeof(buf) - 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (got == sizeof(buf) - 1) { /* drain the rest */
			char sink[512];

			while (read(out[0], sink, sizeof(sink)) > 0)
				;
			break;
		}
	}
	close(out[0]);
	buf[got] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = (p[1] ? ' ' : '\0');
	snprintf(err, errlen, "%s: %s", what,
		 buf[0]			    ? buf :
		 WIFEXITED(status)	    ? "failed" :
		 WEXITSTATUS(status) == 126 ? "cannot enter the router's namespace" :
					      "killed");
	return -EIO;
}
