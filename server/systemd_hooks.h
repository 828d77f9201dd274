/*
 * systemd_hooks.h: the parts of systemd's service protocols the daemon uses,
 * written from their documentation (sd_listen_fds(3), sd_notify(3),
 * sd_watchdog_enabled(3), systemd.exec(5) on JOURNAL_STREAM) without
 * libsystemd.  Each function reads only the environment and the process's
 * own descriptors; without systemd every one is a cheap no-op.
 */
#ifndef SYSTEMD_HOOKS_H
#define SYSTEMD_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

/* The first inherited descriptor under socket activation. */
#define DAEMON_LISTEN_FDS_START 3

/*
 * Socket activation: when LISTEN_PID is this process and LISTEN_FDS is set,
 * returns the number of inherited descriptors, starting at
 * DAEMON_LISTEN_FDS_START, each made close-on-exec and checked to be a
 * listening stream socket.  Returns 0 when not activated, -1 (errno set)
 * when the variables are malformed or a descriptor is not such a socket.
 * Unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES so that no child
 * inherits them.  Call once, before any thread starts (it changes environ).
 */
int daemon_listen_fds(void);

/*
 * The name systemd gave inherited descriptor i (FileDescriptorName=, from
 * LISTEN_FDNAMES as daemon_listen_fds() found it), or "" when it gave
 * none.  Valid until the next call of daemon_listen_fds().
 */
const char *daemon_listen_fd_name(int i);

/*
 * Sends state (such as "READY=1\nSTATUS=...") as one datagram to
 * $NOTIFY_SOCKET, a path or an abstract name starting with '@'.  Returns 0
 * when NOTIFY_SOCKET is unset, 1 when sent, -1 (errno set) on error,
 * including EAGAIN when the receiver is too far behind: it never blocks.
 * No allocation; safe from any thread.
 */
int daemon_notify(const char *state);

/*
 * The watchdog interval from WATCHDOG_USEC when WATCHDOG_PID is unset or
 * is this process; 0 when the watchdog is off or the variables are bad.
 * Notify "WATCHDOG=1" at half of it.
 */
uint64_t daemon_watchdog_usec(void);

/*
 * True when stderr is the stream that systemd connected to the journal,
 * that is JOURNAL_STREAM ("device:inode") names the file stderr is.
 */
bool daemon_stderr_is_journal(void);

#endif
