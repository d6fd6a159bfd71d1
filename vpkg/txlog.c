/* SPDX-License-Identifier: BSD-3-Clause */
/* Tx timestamp log: allocation and the file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "txlog.h"

int
vpkg_txlog_init(struct vpkg_txlog *l, uint64_t max)
{
	memset(l, 0, sizeof(*l));
	if (max == 0)
		return 0;
	l->rec = calloc(max, sizeof(*l->rec));
	if (l->rec == NULL)
		return -ENOMEM;
	l->max = max;
	return 0;
}

void
vpkg_txlog_free(struct vpkg_txlog *l)
{
	free(l->rec);
	memset(l, 0, sizeof(*l));
}

int
vpkg_txlog_write(const char *path, const struct vpkg_txlog *logs, unsigned int n,
		size_t stride, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");
	unsigned int w;
	uint64_t i;
	int rc = 0;

	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "--tx-timestamps: cannot write '%s': %s", path, strerror(errno));
		return rc;
	}
	for (w = 0; w < n && rc == 0; w++) {
		const struct vpkg_txlog *l = (const void *)((const char *)logs + w * stride);

		for (i = 0; i < l->n; i++) {
			struct vpkg_txrec r = {
				.tx_ns = rte_cpu_to_le_64(l->rec[i].tx_ns),
				.seq = rte_cpu_to_le_32(l->rec[i].seq),
				.id = rte_cpu_to_le_16(l->rec[i].id),
				.len = rte_cpu_to_le_16(l->rec[i].len),
			};

			if (fwrite(&r, sizeof(r), 1, f) != 1) {
				rc = -EIO;
				break;
			}
		}
	}
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc != 0)
		snprintf(err, errlen, "--tx-timestamps: cannot write '%s': %s", path, strerror(-rc));
	return rc;
}
