#ifndef QUAY_SHIMS_H
#define QUAY_SHIMS_H

#include <stddef.h>
#include <sys/types.h>

// Small C helpers for what Swift cannot express directly: sockaddr_un filling (including
// Linux abstract addresses), SO_PEERCRED, and sd_notify's datagram. Each returns a
// non-negative value on success and -errno on failure, and retries EINTR itself.

/// Connects a stream socket to the Unix socket at `path`; returns the fd.
int quay_unix_connect(const char *path);

/// Creates, binds and listens on a Unix stream socket at `path`; returns the fd.
int quay_unix_listen(const char *path, int backlog);

/// The peer's pid, uid and gid of a connected Unix socket (SO_PEERCRED).
int quay_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid);

/// Sends `message` as one datagram to the sd_notify socket `path` ('@' = abstract).
int quay_notify_datagram(const char *path, const char *message);

/// Creates and binds a Unix datagram socket at `path` (a test's NOTIFY_SOCKET); returns the fd.
int quay_unix_datagram_bind(const char *path);

/// Writes all of `length` bytes; returns 0 or -errno.
int quay_write_all(int fd, const void *bytes, size_t length);

/// Grabs an evdev node (EVIOCGRAB) so its key presses reach only us, never the desktop;
/// returns 0 or -errno (-ENOTTY for a FIFO or anything that is not an evdev node).
int quay_evdev_grab(int fd);

/// Puts a serial line in raw mode at `baud` (9600, 19200, 38400, 57600, 115200); 0 or -errno.
int quay_serial_raw(int fd, int baud);

/// Opens a pseudo-terminal pair for tests; writes the peer (slave) path; returns the master fd.
int quay_open_pty(char *path, size_t path_length);

/// Reads a hidraw node's report descriptor into `buffer`; returns its length or -errno.
int quay_hidraw_descriptor(int fd, unsigned char *buffer, size_t capacity);

/// Makes a non-blocking, close-on-exec pipe in one step (pipe2, which Swift's Glibc module
/// does not declare); 0 or -errno.
int quay_wake_pipe(int ends[2]);

/// Connects a TCP socket to `host`:`port` (numeric address or name, IPv4 or IPv6) within
/// `timeout_ms`; returns a non-blocking, close-on-exec fd, -ETIMEDOUT, or -errno of the last
/// address tried (or -EHOSTUNREACH when the name does not resolve).
int quay_tcp_connect(const char *host, int port, int timeout_ms);

/// usblp's LPGETSTATUS: the printer's IEEE 1284 status byte into *status.
int quay_lp_status(int fd, int *status);

#endif
