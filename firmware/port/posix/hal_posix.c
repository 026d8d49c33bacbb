/*
 * The POSIX port of the HAL: a serial device (or stdin/stdout) as the link, one file as
 * the secure element, /dev/urandom, CLOCK_MONOTONIC.
 *
 * The store file holds every blob: "HMSE" 0x01 <count>, then per blob <name length>
 * <name> <4-byte big-endian length> <bytes>, then a CRC-32 of all that. A save rewrites
 * the whole file as <path>.tmp, fsyncs it, renames it over <path> and fsyncs the
 * directory, so the file on disk is always one complete generation or the next.
 */
#define _DEFAULT_SOURCE

#include "hal_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hal.h"

static int in_fd = 0;
static int out_fd = 1;
static const char *store_path = "hallmark-agent.se";
static unsigned long baud = 0;
static int quiet = 0;
static const char *log_prefix = "hallmark-agent";

#define STORE_MAX (64 * 1024)
#define MAX_BLOBS 8
#define MAX_NAME 15

int hal_posix_open_tty(const char *path)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~(CRTSCTS | CSTOPB | PARENB);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    /* a board starts with an empty receive FIFO */
    tcflush(fd, TCIFLUSH);
    in_fd = out_fd = fd;
    return 0;
}

void hal_posix_use_stdio(void)
{
    in_fd = 0;
    out_fd = 1;
}

void hal_posix_set_store(const char *path) { store_path = path; }
void hal_posix_set_baud(unsigned long b) { baud = b; }
void hal_posix_set_quiet(int q) { quiet = q; }
void hal_posix_set_log_prefix(const char *p) { log_prefix = p; }

/* ---- stream ---- */

int hal_stream_read(uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    struct pollfd p = {.fd = in_fd, .events = POLLIN};
    int r = poll(&p, 1, (int)timeout_ms);
    if (r < 0) return errno == EINTR ? 0 : HAL_ERR_IO;
    if (r == 0) return 0;
    ssize_t n = read(in_fd, buf, cap);
    if (n > 0) return (int)n;
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    /* EOF, or EIO: the other end of the PTY / the USB adapter went away */
    return HAL_ERR_IO;
}

static void pace(size_t bytes)
{
    if (baud == 0) return;
    uint64_t ns = (uint64_t)bytes * 10u * 1000000000u / baud;
    struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int hal_stream_write(const uint8_t *buf, size_t len)
{
    /* paced in slices of 16 bytes, so a line trickles out as it would from a UART */
    size_t off = 0;
    while (off < len) {
        size_t slice = baud == 0 ? len - off : (len - off < 16 ? len - off : 16);
        size_t done = 0;
        while (done < slice) {
            ssize_t n = write(out_fd, buf + off + done, slice - done);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return HAL_ERR_IO;
            }
            done += (size_t)n;
        }
        pace(slice);
        off += slice;
    }
    return HAL_OK;
}

/* ---- storage ---- */

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

typedef struct {
    char name[MAX_NAME + 1];
    const uint8_t *data;
    size_t len;
} blob;

uint8_t *hal_posix_read_file(const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    uint8_t *buf = malloc(max + 1);
    size_t n = 0;
    if (buf == 0) {
        close(fd);
        errno = ENOMEM;
        return 0;
    }
    for (;;) {
        if (n > max) break;
        ssize_t r = read(fd, buf + n, max + 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return 0;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(buf);
        errno = EFBIG;
        return 0;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Parses the store file image into blobs pointing into it. 0, or -1 when corrupt. */
static int parse_store(const uint8_t *img, size_t n, blob *blobs, int *count)
{
    *count = 0;
    if (n < 10 || memcmp(img, "HMSE\x01", 5) != 0) return -1;
    uint32_t want = ((uint32_t)img[n - 4] << 24) | ((uint32_t)img[n - 3] << 16) | ((uint32_t)img[n - 2] << 8) | img[n - 1];
    if (crc32(img, n - 4) != want) return -1;
    int c = img[5];
    if (c > MAX_BLOBS) return -1;
    size_t off = 6, end = n - 4;
    for (int i = 0; i < c; i++) {
        if (off >= end) return -1;
        size_t nl = img[off++];
        if (nl == 0 || nl > MAX_NAME || end - off < nl + 4) return -1;
        memcpy(blobs[i].name, img + off, nl);
        blobs[i].name[nl] = '\0';
        off += nl;
        size_t dl = ((size_t)img[off] << 24) | ((size_t)img[off + 1] << 16) | ((size_t)img[off + 2] << 8) | img[off + 3];
        off += 4;
        if (dl > end - off) return -1;
        blobs[i].data = img + off;
        blobs[i].len = dl;
        off += dl;
    }
    if (off != end) return -1;
    *count = c;
    return 0;
}

/* The current image: NULL with *missing = 1 when there is no store file yet. */
static uint8_t *load_image(size_t *n, int *missing)
{
    *missing = 0;
    uint8_t *img = hal_posix_read_file(store_path, STORE_MAX, n);
    if (img == 0 && errno == ENOENT) *missing = 1;
    return img;
}

int hal_storage_load(const char *name, uint8_t *buf, size_t cap, size_t *len)
{
    size_t n;
    int missing;
    uint8_t *img = load_image(&n, &missing);
    if (img == 0) return missing ? HAL_ERR_NOT_FOUND : HAL_ERR_IO;
    blob blobs[MAX_BLOBS];
    int count;
    int r = HAL_ERR_NOT_FOUND;
    if (parse_store(img, n, blobs, &count) != 0) {
        r = HAL_ERR_IO;
    } else {
        for (int i = 0; i < count; i++) {
            if (strcmp(blobs[i].name, name) != 0) continue;
            if (blobs[i].len > cap) {
                r = HAL_ERR_TOO_LARGE;
            } else {
                memcpy(buf, blobs[i].data, blobs[i].len);
                *len = blobs[i].len;
                r = HAL_OK;
            }
            break;
        }
    }
    memset(img, 0, n);
    free(img);
    return r;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_dir_of(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash == 0) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        size_t k = (size_t)(slash - path);
        if (k >= sizeof dir) return -1;
        memcpy(dir, path, k);
        dir[k] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int r = fsync(fd);
    close(fd);
    return r;
}

int hal_storage_save(const char *name, const uint8_t *data, size_t len)
{
    size_t nl = strlen(name);
    if (nl == 0 || nl > MAX_NAME) return HAL_ERR_IO;
    size_t n = 0;
    int missing;
    uint8_t *img = load_image(&n, &missing);
    blob blobs[MAX_BLOBS + 1];
    int count = 0;
    if (img == 0 && !missing) return HAL_ERR_IO;
    if (img != 0 && parse_store(img, n, blobs, &count) != 0) {
        /* never overwrite a store this port cannot read: it may be the only copy of a key */
        free(img);
        return HAL_ERR_IO;
    }
    int found = 0;
    for (int i = 0; i < count; i++)
        if (strcmp(blobs[i].name, name) == 0) {
            blobs[i].data = data;
            blobs[i].len = len;
            found = 1;
        }
    if (!found) {
        if (count >= MAX_BLOBS) {
            free(img);
            return HAL_ERR_TOO_LARGE;
        }
        memcpy(blobs[count].name, name, nl + 1);
        blobs[count].data = data;
        blobs[count].len = len;
        count++;
    }
    size_t total = 6 + 4;
    for (int i = 0; i < count; i++) total += 1 + strlen(blobs[i].name) + 4 + blobs[i].len;
    if (total > STORE_MAX) {
        free(img);
        return HAL_ERR_TOO_LARGE;
    }
    uint8_t *out = malloc(total);
    if (out == 0) {
        free(img);
        return HAL_ERR_IO;
    }
    size_t o = 0;
    memcpy(out, "HMSE\x01", 5);
    o = 5;
    out[o++] = (uint8_t)count;
    for (int i = 0; i < count; i++) {
        size_t k = strlen(blobs[i].name);
        out[o++] = (uint8_t)k;
        memcpy(out + o, blobs[i].name, k);
        o += k;
        size_t dl = blobs[i].len;
        out[o++] = (uint8_t)(dl >> 24);
        out[o++] = (uint8_t)(dl >> 16);
        out[o++] = (uint8_t)(dl >> 8);
        out[o++] = (uint8_t)dl;
        memcpy(out + o, blobs[i].data, dl);
        o += dl;
    }
    uint32_t c = crc32(out, o);
    out[o++] = (uint8_t)(c >> 24);
    out[o++] = (uint8_t)(c >> 16);
    out[o++] = (uint8_t)(c >> 8);
    out[o++] = (uint8_t)c;
    if (img != 0) {
        memset(img, 0, n);
        free(img);
    }

    char tmp[4096];
    int r = HAL_ERR_IO;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", store_path) < sizeof tmp) {
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0) {
            int ok = write_all(fd, out, o) == 0 && fsync(fd) == 0;
            ok = close(fd) == 0 && ok;
            if (ok && rename(tmp, store_path) == 0 && fsync_dir_of(store_path) == 0)
                r = HAL_OK;
            else
                unlink(tmp);
        }
    }
    memset(out, 0, total);
    free(out);
    return r;
}

/* ---- entropy, time, log ---- */

int hal_random(uint8_t *buf, size_t len)
{
    static int fd = -1;
    if (fd < 0) fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return HAL_ERR_IO;
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return HAL_ERR_IO;
        got += (size_t)n;
    }
    return HAL_OK;
}

uint64_t hal_millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hal_log(const char *line)
{
    if (quiet) return;
    fprintf(stderr, "%s: %s\n", log_prefix, line);
    fflush(stderr);
}
