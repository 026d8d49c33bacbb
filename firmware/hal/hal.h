/*
 * The Hallmark reference agent's hardware abstraction layer.
 *
 * Everything in firmware/src/ reaches the board only through these functions; a port
 * (firmware/port/posix/, or a Zephyr / ESP-IDF port, see firmware/README.md) implements
 * them once. They are plain functions bound at link time, as board support packages do.
 *
 * All functions are called from one thread (the agent's loop); none needs to be reentrant.
 */
#ifndef HALLMARK_HAL_H
#define HALLMARK_HAL_H

#include <stddef.h>
#include <stdint.h>

#define HAL_OK 0
/** an I/O or device failure */
#define HAL_ERR_IO (-1)
/** storage: no blob of that name */
#define HAL_ERR_NOT_FOUND (-2)
/** storage: the blob does not fit the caller's buffer, or the medium */
#define HAL_ERR_TOO_LARGE (-3)

/* ---- Byte stream: the UART or USB CDC-ACM link to the station ---------------------- */

/**
 * Reads what has arrived, at most `cap` bytes, waiting up to `timeout_ms` for the first.
 * Returns the number of bytes read (> 0), 0 when nothing arrived in time, or a negative
 * HAL_ERR_* when the link is gone for good (the USB host went away, EOF on stdin).
 */
int hal_stream_read(uint8_t *buf, size_t cap, uint32_t timeout_ms);

/**
 * Sends all `len` bytes (blocking until they are queued for the wire). HAL_OK or
 * HAL_ERR_IO. A port emulating a UART may pace the bytes (the POSIX port's --baud).
 */
int hal_stream_write(const uint8_t *buf, size_t len);

/* ---- Persistent storage: the secure element / flash ----------------------------------- */

/**
 * Loads the blob called `name` (a short ASCII name, at most 15 characters) into `buf`.
 * HAL_OK with *len set; HAL_ERR_NOT_FOUND; HAL_ERR_TOO_LARGE when it exceeds `cap`;
 * HAL_ERR_IO when the medium cannot be read or is corrupt.
 */
int hal_storage_load(const char *name, uint8_t *buf, size_t cap, size_t *len);

/**
 * Replaces the blob called `name` with `len` bytes, atomically: after a reset or power
 * loss at any moment, a later load returns either the old blob or the new one, whole.
 * HAL_OK only once the new blob is durable. HAL_ERR_IO or HAL_ERR_TOO_LARGE otherwise
 * (the old blob is then still there).
 */
int hal_storage_save(const char *name, const uint8_t *buf, size_t len);

/* ---- Entropy and time ------------------------------------------------------------------- */

/** Fills `buf` with `len` bytes from a true random source (TRNG). HAL_OK or HAL_ERR_IO. */
int hal_random(uint8_t *buf, size_t len);

/** A monotonic millisecond clock (any origin; wraps after 2^64 ms). */
uint64_t hal_millis(void);

/* ---- Diagnostics -------------------------------------------------------------------------- */

/**
 * One diagnostic line (no newline) for a debug console, never the protocol stream: the
 * POSIX port writes it to stderr, a board to a second UART or RTT, or drops it.
 */
void hal_log(const char *line);

#endif
