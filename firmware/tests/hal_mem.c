#include "hal_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal.h"

#define MAX_BLOBS 8
#define MAX_BLOB (16 * 1024)

static struct {
    char name[16];
    uint8_t data[MAX_BLOB];
    size_t len;
    int used;
} blobs[MAX_BLOBS];

static char *out;
static size_t out_len, out_cap;
static int fail_saves;
static char fail_name[16];
static int break_loads;
static unsigned long saves;
static int verbose;
static uint64_t rng_state;
static uint64_t clock_ms;

void hal_mem_reset(uint64_t seed)
{
    memset(blobs, 0, sizeof blobs);
    out_len = 0;
    fail_saves = 0;
    fail_name[0] = '\0';
    break_loads = 0;
    saves = 0;
    rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
    clock_ms = 0;
}

const char *hal_mem_output(size_t *len)
{
    if (out == 0) {
        out_cap = 4096;
        out = malloc(out_cap);
        if (!out) abort();
    }
    out[out_len] = '\0';
    *len = out_len;
    return out;
}

void hal_mem_output_clear(void) { out_len = 0; }
void hal_mem_fail_saves(int n) { fail_saves = n; }
void hal_mem_break_loads(int on) { break_loads = on; }
unsigned long hal_mem_saves(void) { return saves; }
void hal_mem_verbose(int on) { verbose = on; }

void hal_mem_fail_save_of(const char *name)
{
    snprintf(fail_name, sizeof fail_name, "%s", name);
}

void hal_mem_erase(void)
{
    memset(blobs, 0, sizeof blobs);
}

int hal_stream_read(uint8_t *buf, size_t cap, uint32_t timeout_ms)
{
    (void)buf;
    (void)cap;
    (void)timeout_ms;
    return HAL_ERR_IO;
}

int hal_stream_write(const uint8_t *buf, size_t len)
{
    if (out == 0 || out_len + len + 1 > out_cap) {
        size_t cap = out_cap ? out_cap : 4096;
        while (out_len + len + 1 > cap) cap *= 2;
        char *p = realloc(out, cap);
        if (!p) abort();
        out = p;
        out_cap = cap;
    }
    memcpy(out + out_len, buf, len);
    out_len += len;
    return HAL_OK;
}

int hal_storage_load(const char *name, uint8_t *buf, size_t cap, size_t *len)
{
    if (break_loads) return HAL_ERR_IO;
    for (int i = 0; i < MAX_BLOBS; i++) {
        if (!blobs[i].used || strcmp(blobs[i].name, name) != 0) continue;
        if (blobs[i].len > cap) return HAL_ERR_TOO_LARGE;
        memcpy(buf, blobs[i].data, blobs[i].len);
        *len = blobs[i].len;
        return HAL_OK;
    }
    return HAL_ERR_NOT_FOUND;
}

int hal_storage_save(const char *name, const uint8_t *buf, size_t len)
{
    if (fail_saves > 0) {
        fail_saves--;
        return HAL_ERR_IO;
    }
    if (fail_name[0] && strcmp(fail_name, name) == 0) {
        fail_name[0] = '\0';
        return HAL_ERR_IO;
    }
    if (strlen(name) > 15 || len > MAX_BLOB) return HAL_ERR_TOO_LARGE;
    int slot = -1;
    for (int i = 0; i < MAX_BLOBS; i++)
        if (blobs[i].used && strcmp(blobs[i].name, name) == 0) slot = i;
    for (int i = 0; i < MAX_BLOBS && slot < 0; i++)
        if (!blobs[i].used) slot = i;
    if (slot < 0) return HAL_ERR_TOO_LARGE;
    blobs[slot].used = 1;
    strcpy(blobs[slot].name, name);
    memcpy(blobs[slot].data, buf, len);
    blobs[slot].len = len;
    saves++;
    return HAL_OK;
}

uint64_t hal_mem_rand64(void)
{
    /* splitmix64: deterministic, so a failing test or fuzz case reproduces */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int hal_random(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i += 8) {
        uint64_t r = hal_mem_rand64();
        for (size_t k = 0; k < 8 && i + k < len; k++) buf[i + k] = (uint8_t)(r >> (8 * k));
    }
    return HAL_OK;
}

uint64_t hal_millis(void)
{
    return clock_ms += 1;
}

void hal_log(const char *line)
{
    if (verbose) fprintf(stderr, "  agent: %s\n", line);
}
