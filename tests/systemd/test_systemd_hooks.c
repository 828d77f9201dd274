/*
 * test_systemd_hooks.c: the systemd protocols against the environment and
 * descriptors systemd would set up, without systemd.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "systemd_hooks.h"

static void
set_number(const char *name, unsigned long long value)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", value);
	assert_int_equal(setenv(name, text, 1), 0);
}

/* A TCP socket on loopback at descriptor 3, listening or not. */
static void
put_socket_at_3(int type, bool listening)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	if (fd != DAEMON_LISTEN_FDS_START) {
		assert_int_equal(dup2(fd, DAEMON_LISTEN_FDS_START),
		    DAEMON_LISTEN_FDS_START);
		close(fd);
	}
	/* Inherited descriptors arrive without close-on-exec. */
	assert_int_equal(fcntl(DAEMON_LISTEN_FDS_START, F_SETFD, 0), 0);
}

static void
assert_listen_env_gone(void)
{
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
}

static void
test_not_activated(void **state)
{
	(void)state;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	assert_int_equal(daemon_listen_fds(), 0);

	/* Variables meant for our parent are not ours, and are dropped. */
	set_number("LISTEN_PID", (unsigned long long)getppid());
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(daemon_listen_fds(), 0);
	assert_listen_env_gone();
}

static void
test_activated(void **state)
{
	(void)state;
	put_socket_at_3(SOCK_STREAM, true);
	set_number("LISTEN_PID", (unsigned long long)getpid());
	setenv("LISTEN_FDS", "1", 1);
	setenv("LISTEN_FDNAMES", "charfinderd", 1);
	assert_int_equal(daemon_listen_fds(), 1);
	assert_int_equal(fcntl(DAEMON_LISTEN_FDS_START, F_GETFD), FD_CLOEXEC);
	assert_listen_env_gone();
	/* Unset now: a second call is not activated. */
	assert_int_equal(daemon_listen_fds(), 0);
	close(DAEMON_LISTEN_FDS_START);
}

static void
test_activated_bad(void **state)
{
	static const char *malformed[] = { "", "x", "1x", "-1", "+1", " 1",
	    "99999999999999999999" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		set_number("LISTEN_PID", (unsigned long long)getpid());
		setenv("LISTEN_FDS", malformed[i], 1);
		assert_int_equal(daemon_listen_fds(), -1);
		assert_listen_env_gone();
	}

	/* A socket that does not listen, and one that is not a stream. */
	put_socket_at_3(SOCK_STREAM, false);
	set_number("LISTEN_PID", (unsigned long long)getpid());
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(daemon_listen_fds(), -1);
	put_socket_at_3(SOCK_DGRAM, false);
	set_number("LISTEN_PID", (unsigned long long)getpid());
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(daemon_listen_fds(), -1);
	close(DAEMON_LISTEN_FDS_START);

	/* A descriptor that is not open. */
	set_number("LISTEN_PID", (unsigned long long)getpid());
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(daemon_listen_fds(), -1);
}

/* Binds a datagram socket to name ('@' for abstract) and returns it. */
static int
bind_receiver(const char *name)
{
	struct sockaddr_un sun;
	size_t len = strlen(name);
	int fd;

	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sun,
	    offsetof(struct sockaddr_un, sun_path) + len), 0);
	return fd;
}

static void
assert_received(int fd, const char *expected)
{
	char buf[256];
	ssize_t n;

	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, (ssize_t)strlen(expected));
	assert_memory_equal(buf, expected, n);
}

static void
test_notify(void **state)
{
	char name[64], dir[] = "/tmp/test_systemd_hooks.XXXXXX", path[128];
	int fd, i;

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(daemon_notify("READY=1"), 0);

	snprintf(name, sizeof(name), "@charfinderd-test-%d", (int)getpid());
	fd = bind_receiver(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(daemon_notify("READY=1\nSTATUS=ok"), 1);
	assert_received(fd, "READY=1\nSTATUS=ok");
	assert_int_equal(daemon_notify("WATCHDOG=1"), 1);
	assert_received(fd, "WATCHDOG=1");
	/* A receiver too far behind costs a dropped message, never a wait. */
	for (i = 0; i < 100000 && daemon_notify("WATCHDOG=1") == 1; i++)
		;
	assert_int_equal(errno, EAGAIN);
	assert_true(i < 100000);
	close(fd);
	/* Nobody listens any more. */
	assert_int_equal(daemon_notify("WATCHDOG=1"), -1);

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/notify", dir);
	fd = bind_receiver(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(daemon_notify("STOPPING=1"), 1);
	assert_received(fd, "STOPPING=1");
	close(fd);
	unlink(path);
	rmdir(dir);

	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(daemon_notify("READY=1"), -1);
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(daemon_notify("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_watchdog(void **state)
{
	(void)state;
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	assert_int_equal(daemon_watchdog_usec(), 0);
	setenv("WATCHDOG_USEC", "3000000", 1);
	assert_int_equal(daemon_watchdog_usec(), 3000000);
	set_number("WATCHDOG_PID", (unsigned long long)getpid());
	assert_int_equal(daemon_watchdog_usec(), 3000000);
	set_number("WATCHDOG_PID", (unsigned long long)getppid());
	assert_int_equal(daemon_watchdog_usec(), 0);
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "3s", 1);
	assert_int_equal(daemon_watchdog_usec(), 0);
	unsetenv("WATCHDOG_USEC");
}

static void
test_journal(void **state)
{
	struct stat st;
	char text[64];

	(void)state;
	unsetenv("JOURNAL_STREAM");
	assert_false(daemon_stderr_is_journal());
	assert_int_equal(fstat(STDERR_FILENO, &st), 0);
	snprintf(text, sizeof(text), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", text, 1);
	assert_true(daemon_stderr_is_journal());
	snprintf(text, sizeof(text), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino + 1);
	setenv("JOURNAL_STREAM", text, 1);
	assert_false(daemon_stderr_is_journal());
	setenv("JOURNAL_STREAM", "12", 1);
	assert_false(daemon_stderr_is_journal());
	setenv("JOURNAL_STREAM", "12:", 1);
	assert_false(daemon_stderr_is_journal());
	unsetenv("JOURNAL_STREAM");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_activated),
		cmocka_unit_test(test_activated),
		cmocka_unit_test(test_activated_bad),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_watchdog),
		cmocka_unit_test(test_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
