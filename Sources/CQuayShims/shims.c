#define _GNU_SOURCE
#include "quay_shims.h"

#include <errno.h>
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
