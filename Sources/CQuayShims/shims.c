#define _GNU_SOURCE
#include "quay_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/hidraw.h>
#include <linux/input.h>
#include <linux/lp.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_address(const char *path, struct sockaddr_un *address, socklen_t *length) {
    size_t path_length = strlen(path);
    if (path_length == 0 || path_length >= sizeof(address->sun_path)) return -ENAMETOOLONG;
    memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    memcpy(address->sun_path, path, path_length);
    if (path[0] == '@') address->sun_path[0] = '\0';  // Linux abstract namespace
    *length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_length + (path[0] == '@' ? 0 : 1));
    return 0;
}

/// A close-on-exec Unix socket of `type` and the address of `path`; the fd or -errno.
static int open_socket(const char *path, int type, struct sockaddr_un *address, socklen_t *length) {
    int rc = fill_address(path, address, length);
    if (rc < 0) return rc;
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

/// Closes `fd` and returns -errno as it was before the close.
static int fail_closing(int fd) {
    int saved = errno;
    close(fd);
    return -saved;
}

int quay_unix_connect(const char *path) {
    struct sockaddr_un address;
    socklen_t length;
    int fd = open_socket(path, SOCK_STREAM, &address, &length);
    if (fd < 0) return fd;
    for (;;) {
        if (connect(fd, (struct sockaddr *)&address, length) == 0) return fd;
        if (errno == EINTR) continue;
        return fail_closing(fd);
    }
}

int quay_unix_listen(const char *path, int backlog) {
    struct sockaddr_un address;
    socklen_t length;
    int fd = open_socket(path, SOCK_STREAM, &address, &length);
    if (fd < 0) return fd;
    if (bind(fd, (struct sockaddr *)&address, length) != 0 || listen(fd, backlog) != 0) return fail_closing(fd);
    return fd;
}

int quay_peer_credentials(int fd, pid_t *pid, uid_t *uid, gid_t *gid) {
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -errno;
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}

int quay_notify_datagram(const char *path, const char *message) {
    struct sockaddr_un address;
    socklen_t length;
    int fd = open_socket(path, SOCK_DGRAM, &address, &length);
    if (fd < 0) return fd;
    ssize_t sent;
    do {
        sent = sendto(fd, message, strlen(message), MSG_NOSIGNAL, (struct sockaddr *)&address, length);
    } while (sent < 0 && errno == EINTR);
    int saved = sent < 0 ? errno : 0;
    close(fd);
    return -saved;
}

int quay_unix_datagram_bind(const char *path) {
    struct sockaddr_un address;
    socklen_t length;
    int fd = open_socket(path, SOCK_DGRAM, &address, &length);
    if (fd < 0) return fd;
    if (bind(fd, (struct sockaddr *)&address, length) != 0) return fail_closing(fd);
    return fd;
}

int quay_write_all(int fd, const void *bytes, size_t length) {
    const char *cursor = bytes;
    while (length > 0) {
        ssize_t written = send(fd, cursor, length, MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOTSOCK) {
                written = write(fd, cursor, length);
                if (written < 0 && errno == EINTR) continue;
                if (written < 0) return -errno;
            } else {
                return -errno;
            }
        }
        cursor += written;
        length -= (size_t)written;
    }
    return 0;
}

int quay_evdev_grab(int fd) {
    return ioctl(fd, EVIOCGRAB, 1) == 0 ? 0 : -errno;
}

int quay_serial_raw(int fd, int baud) {
    struct termios options;
    if (tcgetattr(fd, &options) != 0) return -errno;
    cfmakeraw(&options);
    speed_t speed;
    switch (baud) {
    case 9600: speed = B9600; break;
    case 19200: speed = B19200; break;
    case 38400: speed = B38400; break;
    case 57600: speed = B57600; break;
    case 115200: speed = B115200; break;
    default: return -EINVAL;
    }
    cfsetispeed(&options, speed);
    cfsetospeed(&options, speed);
    options.c_cflag |= CLOCAL | CREAD;
    options.c_cc[VMIN] = 1;
    options.c_cc[VTIME] = 0;
    return tcsetattr(fd, TCSANOW, &options) == 0 ? 0 : -errno;
}

int quay_open_pty(char *path, size_t path_length) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) return -errno;
    if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, path, path_length) != 0) {
        int error = errno;
        close(master);
        return -error;
    }
    return master;
}

int quay_hidraw_descriptor(int fd, unsigned char *buffer, size_t capacity) {
    int size = 0;
    if (ioctl(fd, HIDIOCGRDESCSIZE, &size) != 0) return -errno;
    struct hidraw_report_descriptor descriptor;
    memset(&descriptor, 0, sizeof(descriptor));
    descriptor.size = (unsigned)size;
    if (ioctl(fd, HIDIOCGRDESC, &descriptor) != 0) return -errno;
    if ((size_t)size > capacity) return -ENOSPC;
    memcpy(buffer, descriptor.value, (size_t)size);
    return size;
}

int quay_wake_pipe(int ends[2]) {
    return pipe2(ends, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : -errno;
}

int quay_tcp_connect(const char *host, int port, int timeout_ms) {
    char service[16];
    snprintf(service, sizeof(service), "%d", port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *results = NULL;
    if (getaddrinfo(host, service, &hints, &results) != 0 || results == NULL) return -EHOSTUNREACH;
    int last = -ECONNREFUSED;
    for (struct addrinfo *entry = results; entry != NULL; entry = entry->ai_next) {
        int fd = socket(entry->ai_family, entry->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, entry->ai_protocol);
        if (fd < 0) { last = -errno; continue; }
        int rc = connect(fd, entry->ai_addr, entry->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            struct pollfd waiting = { .fd = fd, .events = POLLOUT };
            int ready;
            do { ready = poll(&waiting, 1, timeout_ms); } while (ready < 0 && errno == EINTR);
            if (ready == 0) { close(fd); last = -ETIMEDOUT; continue; }
            int error = 0;
            socklen_t length = sizeof(error);
            if (ready < 0) error = errno;
            else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
            rc = error == 0 ? 0 : -1;
            errno = error;
        }
        if (rc == 0) { freeaddrinfo(results); return fd; }
        last = -errno;
        close(fd);
    }
    freeaddrinfo(results);
    return last;
}

int quay_lp_status(int fd, int *status) {
    return ioctl(fd, LPGETSTATUS, status) == 0 ? 0 : -errno;
}
