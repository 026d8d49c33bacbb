/* An in-memory HAL for the unit tests and the fuzzer: captured output, RAM blobs with fault injection, a seeded RNG. */
#ifndef HAL_MEM_H
#define HAL_MEM_H

#include <stddef.h>
#include <stdint.h>

/** Clears storage, output, faults; seeds the RNG. */
void hal_mem_reset(uint64_t seed);

/** Everything the agent wrote since the last take (NUL-terminated; *len bytes). The buffer stays valid until the next write. */
const char *hal_mem_output(size_t *len);
void hal_mem_output_clear(void);

/** The next `n` saves fail (HAL_ERR_IO). */
void hal_mem_fail_saves(int n);
/** The next save of `name` fails. */
void hal_mem_fail_save_of(const char *name);
/** Every load fails with HAL_ERR_IO (a broken medium) while on. */
void hal_mem_break_loads(int on);
/** Removes every blob (a blank device). */
void hal_mem_erase(void);
/** How many saves succeeded since reset. */
unsigned long hal_mem_saves(void);
/** 1: hal_log prints to stderr. */
void hal_mem_verbose(int on);
/** A uniformly drawn 64-bit number from the test RNG (for the fuzzer's mutations). */
uint64_t hal_mem_rand64(void);

#endif
