/* SPDX-License-Identifier: BSD-3-Clause */
/* The JSON text of an input as the servers and the config loader read it. */
#ifndef FUZZ_JSON_H
#define FUZZ_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* As mgmt_server.c's finish() parses a request body; NULL when malformed. */
static inline json_t *
fuzz_json_load(const uint8_t *data, size_t size)
{
	json_error_t jerr;

	return json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
}

#endif /* FUZZ_JSON_H */
