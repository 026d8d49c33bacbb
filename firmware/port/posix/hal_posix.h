/* Configuration of the POSIX port of the HAL (firmware/hal/hal.h). */
#ifndef HAL_POSIX_H
#define HAL_POSIX_H

#include <stddef.h>
#include <stdint.h>

/** The link is a serial device opened raw (termios, 8N1, no echo, no flow control). 0 or -1 (errno). */
int hal_posix_open_tty(const char *path);

/** The link is stdin / stdout. */
void hal_posix_use_stdio(void);

/** The file that stands for the secure element: every blob lives in it. */
void hal_posix_set_store(const char *path);

/** Output pacing in bits per second (10 bits per byte, as 8N1); 0: none. */
void hal_posix_set_baud(unsigned long baud);

/** 1: hal_log is silent. */
void hal_posix_set_quiet(int quiet);

/** A prefix for hal_log lines (the program name). */
void hal_posix_set_log_prefix(const char *prefix);

/** Reads a whole file (at most `max` bytes) into a malloc'd buffer with a NUL after it. NULL on failure (errno). */
uint8_t *hal_posix_read_file(const char *path, size_t max, size_t *len);

#endif
