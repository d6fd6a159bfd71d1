/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_shown.h"

const char *
json_shown(const json_t *v, char *buf, size_t len)
{
	char *text;

	if (v == NULL)
		return "nothing";
	if (json_is_object(v))
		return "an object";
	if (json_is_array(v))
		return "an array";
	text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (text == NULL)
		return "?";
	if (strlen(text) >= len && len > 4)
		snprintf(buf, len, "%.*s...", (int)(len - 4), text);
	else
		snprintf(buf, len, "%s", text);
	free(text);
	return buf;
}
