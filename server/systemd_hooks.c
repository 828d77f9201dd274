/*
 * systemd_hooks.c: socket activation, readiness notification, watchdog and
 * journal detection as documented by systemd, in a few system calls.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "systemd_hooks.h"

/* A whole decimal number, nothing before or after it: "12" but not "+12". */
static bool
parse_u64(const char *s, char end, const char **rest, uint64_t *value)
{
	unsigned long long v;
	char *after;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &after, 10);
	if (errno != 0 || *after != end)
		return false;
	if (rest != NULL)
		*rest = after;
	*value = v;
	return true;
}

/* Whether the variable holds exactly our process id. */
static bool
names_this_process(const char *pid_text)
{
	uint64_t pid;

	return parse_u64(pid_text, '\0', NULL, &pid) &&
	    pid == (uint64_t)getpid();
}

static bool
is_listening_stream(int fd)
{
	int type, listening;
	socklen_t len;

	len = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1)
		return false;
	len = sizeof(listening);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == -1)
		return false;
	return type == SOCK_STREAM && listening;
}

/* LISTEN_FDNAMES, kept once the variable is unset; NUL for each ':'. */
static char fd_names[4096];
static size_t fd_names_len;

static void
keep_fd_names(const char *names)
{
	size_t len = names != NULL ? strlen(names) : 0;

	fd_names_len = 0;
	fd_names[0] = '\0';
	if (len == 0 || len >= sizeof(fd_names))
		return;		/* none, or more than we could serve */
	memcpy(fd_names, names, len);
	for (size_t i = 0; i < len; i++)
		if (fd_names[i] == ':')
			fd_names[i] = '\0';
	fd_names[len] = '\0';
	fd_names_len = len;
}

const char *
daemon_listen_fd_name(int i)
{
	size_t at = 0;

	while (i-- > 0) {
		at += strlen(fd_names + at) + 1;
		if (at > fd_names_len)
			return "";
	}
	return fd_names + at;
}

int
daemon_listen_fds(void)
{
	const char *pid_text = getenv("LISTEN_PID");
	const char *fds_text = getenv("LISTEN_FDS");
	uint64_t count;
	int fd, result = -1;

	keep_fd_names(NULL);
	if (pid_text == NULL || !names_this_process(pid_text)) {
		/* Absent, or meant for another process (our parent). */
		result = 0;
		goto out;
	}
	if (fds_text == NULL) {
		result = 0;
		goto out;
	}
	if (!parse_u64(fds_text, '\0', NULL, &count) ||
	    count > INT_MAX - DAEMON_LISTEN_FDS_START) {
		errno = EINVAL;
		goto out;
	}
	for (fd = DAEMON_LISTEN_FDS_START;
	    fd < DAEMON_LISTEN_FDS_START + (int)count; fd++) {
		if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
			goto out;
		if (!is_listening_stream(fd)) {
			errno = ENOTSOCK;
			goto out;
		}
	}
	result = (int)count;
	keep_fd_names(getenv("LISTEN_FDNAMES"));
out:
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return result;
}

int
daemon_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun;
	socklen_t sun_len;
	size_t path_len;
	ssize_t sent;
	int fd, saved;

	if (path == NULL)
		return 0;
	path_len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || path_len < 2 ||
	    path_len > sizeof(sun.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, path_len);
	/* An abstract name starts with NUL and its length is exact. */
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	sun_len = offsetof(struct sockaddr_un, sun_path) + path_len;

	/*
	 * A socket per message, as sd_notify(3) does: a few microseconds at
	 * each watchdog tick, and nothing to keep or share between threads.
	 * Never blocks the event loop: if the receiver's queue is full the
	 * message is dropped with EAGAIN.
	 */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL | MSG_DONTWAIT,
	    (struct sockaddr *)&sun, sun_len);
	saved = errno;
	close(fd);
	if (sent == -1) {
		errno = saved;
		return -1;
	}
	return 1;
}

uint64_t
daemon_watchdog_usec(void)
{
	const char *pid_text = getenv("WATCHDOG_PID");
	uint64_t usec;

	if (pid_text != NULL && !names_this_process(pid_text))
		return 0;
	if (!parse_u64(getenv("WATCHDOG_USEC"), '\0', NULL, &usec))
		return 0;
	return usec;
}

bool
daemon_stderr_is_journal(void)
{
	const char *text = getenv("JOURNAL_STREAM");
	uint64_t dev, ino;
	struct stat st;

	if (!parse_u64(text, ':', &text, &dev) ||
	    !parse_u64(text + 1, '\0', NULL, &ino))
		return false;
	if (fstat(STDERR_FILENO, &st) == -1)
		return false;
	return (uint64_t)st.st_dev == dev && (uint64_t)st.st_ino == ino;
}
