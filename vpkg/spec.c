/* SPDX-License-Identifier: BSD-3-Clause */
/* Stream specifications: value parsers, defaults, checks. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_common.h>

#include "dp_options.h"
#include "dp_probe.h"
#include "spec.h"

static int
fail(char *why, size_t len, const char *msg)
{
	snprintf(why, len, "%s", msg);
	return -EINVAL;
}

/* --- rate --- */

int
vpkg_parse_rate(const char *s, struct vpkg_rate *r, char *why, size_t len)
{
	static const char expect[] =
		"expected N[k|M|G]pps, N[k|M|G]bps (L2), N[k|M|G]bps-l1, N% or max";
	const char *unit;
	double v, mult = 1;
	char *end;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return fail(why, len, expect);
	if (strcasecmp(s, "max") == 0) {
		r->unit = VPKG_RATE_MAX;
		r->value = 0;
		return 0;
	}
	if (!isdigit((unsigned char)*s) && *s != '.')
		return fail(why, len, expect);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || !isfinite(v))
		return fail(why, len, expect);
	unit = end;
	if (*unit == 'k' || *unit == 'K')
		mult = 1e3;
	else if (*unit == 'M')
		mult = 1e6;
	else if (*unit == 'G')
		mult = 1e9;
	if (mult != 1)
		unit++;
	if (*unit == '\0' || strcmp(unit, "pps") == 0) {
		r->unit = VPKG_RATE_PPS;
	} else if (strcmp(unit, "bps") == 0 || strcmp(unit, "bps-l2") == 0) {
		r->unit = VPKG_RATE_L2_BPS;
	} else if (strcmp(unit, "bps-l1") == 0) {
		r->unit = VPKG_RATE_L1_BPS;
	} else if (strcmp(unit, "%") == 0 && mult == 1) {
		r->unit = VPKG_RATE_PERCENT;
	} else {
		return fail(why, len, expect);
	}
	v *= mult;
	if (!(v > 0))
		return fail(why, len, "the rate must be above 0 (use enabled=false to stop a stream)");
	if (r->unit == VPKG_RATE_PERCENT && v > 100)
		return fail(why, len, "above 100% of the line rate");
	if (r->unit == VPKG_RATE_PPS && v > VPKG_MAX_PPS)
		return fail(why, len, "above 1Gpps");
	if (r->unit == VPKG_RATE_PPS && v < 0.001)
		return fail(why, len, "below 0.001pps");
	r->value = v;
	return 0;
}

/* v with a k/M/G prefix, shortest exact form. */
static void
si_str(char *buf, size_t len, double v, const char *unit)
{
	if (v >= 1e9)
		snprintf(buf, len, "%.10gG%s", v / 1e9, unit);
	else if (v >= 1e6)
		snprintf(buf, len, "%.10gM%s", v / 1e6, unit);
	else if (v >= 1e3)
		snprintf(buf, len, "%.10gk%s", v / 1e3, unit);
	else
		snprintf(buf, len, "%.10g%s", v, unit);
}

void
vpkg_rate_str(const struct vpkg_rate *r, char *buf, size_t len)
{
	switch (r->unit) {
	case VPKG_RATE_MAX:
		snprintf(buf, len, "max");
		break;
	case VPKG_RATE_PPS:
		si_str(buf, len, r->value, "pps");
		break;
	case VPKG_RATE_L2_BPS:
		si_str(buf, len, r->value, "bps");
		break;
	case VPKG_RATE_L1_BPS:
		si_str(buf, len, r->value, "bps-l1");
		break;
	default:
		snprintf(buf, len, "%.10g%%", r->value);
		break;
	}
}

double
vpkg_rate_pps(const struct vpkg_rate *r, double avg_size, uint32_t speed_mbps)
{
	switch (r->unit) {
	case VPKG_RATE_MAX:
		return 0;
	case VPKG_RATE_PPS:
		return r->value;
	case VPKG_RATE_L2_BPS:
		return r->value / (avg_size * 8);
	case VPKG_RATE_L1_BPS:
		return r->value / ((avg_size + VPKG_L1_OVERHEAD) * 8);
	default:
		if (speed_mbps == 0)
			return -1;
		return (double)speed_mbps * 1e6 * r->value / 100 /
			((avg_size + VPKG_L1_OVERHEAD) * 8);
	}
}

/* --- size --- */

static int
parse_u16(const char *s, size_t n, uint16_t *out)
{
	char buf[16];
	uint64_t v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (dp_parse_u64(buf, 0, UINT16_MAX, &v) != 0)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int
parse_imix(const char *s, struct vpkg_size *sz, char *why, size_t len)
{
	unsigned int total = 0;
	const char *p = s;

	sz->nb_imix = 0;
	while (*p != '\0') {
		const char *comma = strchr(p, ','), *colon;
		size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		uint16_t size, weight;

		colon = memchr(p, ':', n);
		if (colon == NULL || parse_u16(p, (size_t)(colon - p), &size) != 0 ||
		    parse_u16(colon + 1, n - (size_t)(colon - p) - 1, &weight) != 0)
			return fail(why, len, "expected an IMIX list SIZE:WEIGHT,... (e.g. 64:7,594:4,1518:1)");
		if (weight == 0)
			return fail(why, len, "an IMIX weight must be at least 1");
		if (sz->nb_imix >= VPKG_IMIX_MAX) {
			snprintf(why, len, "more than %u IMIX entries", VPKG_IMIX_MAX);
			return -EINVAL;
		}
		total += weight;
		if (total > VPKG_IMIX_MAX_WEIGHT) {
			snprintf(why, len, "IMIX weights add up to more than %u", VPKG_IMIX_MAX_WEIGHT);
			return -EINVAL;
		}
		sz->imix[sz->nb_imix].size = size;
		sz->imix[sz->nb_imix].weight = weight;
		sz->nb_imix++;
		p += n;
		if (*p == ',') {
			p++;
			if (*p == '\0')
				return fail(why, len, "trailing ',' in the IMIX list");
		}
	}
	return 0;
}

int
vpkg_parse_size(const char *s, struct vpkg_size *sz, char *why, size_t len)
{
	static const char expect[] =
		"expected SIZE, MIN-MAX, imix or an IMIX list SIZE:WEIGHT,... (frame sizes with FCS)";
	const char *dash;
	unsigned int i;
	int rc;

	if (s == NULL || *s == '\0')
		return fail(why, len, expect);
	memset(sz, 0, sizeof(*sz));
	if (strcasecmp(s, "imix") == 0)
		s = "64:7,594:4,1518:1";
	if (strchr(s, ':') != NULL) {
		rc = parse_imix(s, sz, why, len);
		if (rc != 0)
			return rc;
		sz->kind = VPKG_SIZE_IMIX;
		sz->min = UINT16_MAX;
		for (i = 0; i < sz->nb_imix; i++) {
			sz->min = RTE_MIN(sz->min, sz->imix[i].size);
			sz->max = RTE_MAX(sz->max, sz->imix[i].size);
		}
		if (sz->nb_imix == 1)
			sz->kind = VPKG_SIZE_FIXED;
		return 0;
	}
	dash = strchr(s, '-');
	if (dash != NULL) {
		if (parse_u16(s, (size_t)(dash - s), &sz->min) != 0 ||
		    parse_u16(dash + 1, strlen(dash + 1), &sz->max) != 0)
			return fail(why, len, expect);
		if (sz->min > sz->max)
			return fail(why, len, "MIN above MAX");
		sz->kind = sz->min == sz->max ? VPKG_SIZE_FIXED : VPKG_SIZE_RANGE;
		return 0;
	}
	if (parse_u16(s, strlen(s), &sz->min) != 0)
		return fail(why, len, expect);
	sz->max = sz->min;
	sz->kind = VPKG_SIZE_FIXED;
	return 0;
}

void
vpkg_size_str(const struct vpkg_size *sz, char *buf, size_t len)
{
	unsigned int i;
	size_t off = 0;

	if (sz->kind == VPKG_SIZE_FIXED) {
		snprintf(buf, len, "%u", sz->min);
		return;
	}
	if (sz->kind == VPKG_SIZE_RANGE) {
		snprintf(buf, len, "%u-%u", sz->min, sz->max);
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sz->nb_imix && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%u:%u", i ? "," : "", sz->imix[i].size,
				sz->imix[i].weight);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

double
vpkg_size_avg(const struct vpkg_size *sz)
{
	double sum = 0, w = 0;
	unsigned int i;

	switch (sz->kind) {
	case VPKG_SIZE_FIXED:
		return sz->min;
	case VPKG_SIZE_RANGE:
		return ((double)sz->min + sz->max) / 2;
	default:
		for (i = 0; i < sz->nb_imix; i++) {
			sum += (double)sz->imix[i].size * sz->imix[i].weight;
			w += sz->imix[i].weight;
		}
		return w > 0 ? sum / w : 0;
	}
}

/* --- addresses and ports --- */

void
vpkg_range_fixed(struct vpkg_range *r, uint32_t v)
{
	r->base = v;
	r->count = 1;
	r->step = 1;
	r->walk = VPKG_WALK_INC;
}

static int
parse_one_addr(const char *s, size_t n, uint8_t *family, uint8_t ip6[16], uint32_t *v4)
{
	struct dp_prefix a;

	/* the caller's message names the whole value */
	if (dp_prefix_parse_n(s, n, DP_PFX_NO_LEN, &a, NULL, 0) != 0)
		return -EINVAL;
	*family = a.family;
	if (a.family == DP_FAM_V6)
		memcpy(ip6, a.addr, 16);
	/* IPv4 host order; IPv6 its last 32 bits, the part a range walks */
	*v4 = dp_rd32(a.family == DP_FAM_V4 ? a.addr : a.addr + 12);
	return 0;
}

int
vpkg_parse_addr(const char *s, struct vpkg_addr *a, char *why, size_t len)
{
	static const char expect[] = "expected an IPv4 or IPv6 address, or FIRST-LAST";
	uint8_t fam2, ip6b[16];
	const char *dash;
	uint32_t first, last;

	if (s == NULL)
		return fail(why, len, expect);
	memset(a, 0, sizeof(*a));
	dash = strchr(s, '-');
	if (parse_one_addr(s, dash != NULL ? (size_t)(dash - s) : strlen(s), &a->family, a->ip6,
			&first) != 0)
		return fail(why, len, expect);
	vpkg_range_fixed(&a->r, first);
	if (dash == NULL)
		return 0;
	if (parse_one_addr(dash + 1, strlen(dash + 1), &fam2, ip6b, &last) != 0)
		return fail(why, len, expect);
	if (fam2 != a->family)
		return fail(why, len, "FIRST and LAST are not of the same address family");
	if (a->family == DP_FAM_V6 && memcmp(a->ip6, ip6b, 12) != 0)
		return fail(why, len, "an IPv6 range may only vary the low 32 bits");
	if (last < first)
		return fail(why, len, "LAST below FIRST");
	if (last - first == UINT32_MAX)
		return fail(why, len, "range of 2^32 addresses");
	a->r.count = last - first + 1;
	return 0;
}

int
vpkg_parse_port_range(const char *s, struct vpkg_range *r, char *why, size_t len)
{
	static const char expect[] = "expected a port 0..65535 or FIRST-LAST";
	const char *dash;
	uint16_t first, last;

	if (s == NULL)
		return fail(why, len, expect);
	dash = strchr(s, '-');
	if (parse_u16(s, dash != NULL ? (size_t)(dash - s) : strlen(s), &first) != 0)
		return fail(why, len, expect);
	vpkg_range_fixed(r, first);
	if (dash == NULL)
		return 0;
	if (parse_u16(dash + 1, strlen(dash + 1), &last) != 0)
		return fail(why, len, expect);
	if (last < first)
		return fail(why, len, "LAST below FIRST");
	r->count = (uint32_t)last - first + 1;
	return 0;
}

int
vpkg_parse_proto(const char *s, uint8_t *proto, char *why, size_t len)
{
	static const struct {
		const char *name;
		uint8_t proto;
	} protos[] = {
		{ "udp", VPKG_PROTO_UDP },
		{ "tcp", VPKG_PROTO_TCP },
		{ "tcp-syn", VPKG_PROTO_TCP_SYN },
		{ "icmp", VPKG_PROTO_ICMP },
	};
	unsigned int i;

	for (i = 0; s != NULL && i < RTE_DIM(protos); i++) {
		if (strcmp(s, protos[i].name) == 0) {
			*proto = protos[i].proto;
			return 0;
		}
	}
	return fail(why, len, "unknown protocol; expected udp, tcp, tcp-syn or icmp");
}

const char *
vpkg_proto_str(uint8_t proto)
{
	switch (proto) {
	case VPKG_PROTO_UDP:
		return "udp";
	case VPKG_PROTO_TCP:
		return "tcp";
	case VPKG_PROTO_TCP_SYN:
		return "tcp-syn";
	default:
		return "icmp";
	}
}

int
vpkg_parse_walk(const char *s, uint8_t *walk, char *why, size_t len)
{
	if (s != NULL && (strcmp(s, "inc") == 0 || strcmp(s, "increment") == 0)) {
		*walk = VPKG_WALK_INC;
		return 0;
	}
	if (s != NULL && strcmp(s, "random") == 0) {
		*walk = VPKG_WALK_RANDOM;
		return 0;
	}
	return fail(why, len, "expected inc or random");
}

int
vpkg_parse_vlan(const char *s, uint16_t *vlan, char *why, size_t len)
{
	uint64_t v;

	if (dp_parse_u64(s, VPKG_VLAN_MIN, VPKG_VLAN_MAX, &v) != 0) {
		snprintf(why, len, "a VLAN id, %u to %u", VPKG_VLAN_MIN, VPKG_VLAN_MAX);
		return -EINVAL;
	}
	*vlan = (uint16_t)v;
	return 0;
}

int
vpkg_parse_name(const char *s, char *name, char *why, size_t len)
{
	size_t i, n = s != NULL ? strlen(s) : 0;

	if (n == 0 || n >= VPKG_NAME_LEN) {
		snprintf(why, len, "a name of 1 to %u characters", VPKG_NAME_LEN - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '-' && c != '.' && c != ':')
			return fail(why, len, "a name of letters, digits and _ - . :");
	}
	memcpy(name, s, n + 1);
	return 0;
}

/* --- defaults and checks --- */

#define ONAP_SRC_IP 0xc0a80ac8u		/* 192.168.10.200 */
#define ONAP_DST_IP 0xc0a814fau		/* 192.168.20.250 */
#define ONAP_SRC_PORT 15320
#define ONAP_DST_PORT 8080
#define ONAP_PPS 10
#define ONAP_STREAMS 10

void
vpkg_spec_defaults(struct vpkg_stream_spec *s, uint16_t id)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "stream%u", id);
	s->id = id;
	s->enabled = true;
	s->rate.unit = VPKG_RATE_PPS;
	s->rate.value = ONAP_PPS;
	s->proto = VPKG_PROTO_UDP;
	s->src_ip.family = DP_FAM_V4;
	vpkg_range_fixed(&s->src_ip.r, ONAP_SRC_IP);
	s->dst_ip.family = DP_FAM_V4;
	vpkg_range_fixed(&s->dst_ip.r, ONAP_DST_IP);
	vpkg_range_fixed(&s->src_port, ONAP_SRC_PORT);
	vpkg_range_fixed(&s->dst_port, ONAP_DST_PORT);
	s->size.kind = VPKG_SIZE_FIXED;
	s->size.min = VPKG_MIN_FRAME;
	s->size.max = VPKG_MIN_FRAME;
}

unsigned int
vpkg_spec_onap(struct vpkg_stream_spec *specs, unsigned int max)
{
	unsigned int i;

	for (i = 0; i < ONAP_STREAMS && i < max; i++) {
		vpkg_spec_defaults(&specs[i], (uint16_t)i);
		snprintf(specs[i].name, sizeof(specs[i].name), "fw_udp%u", i + 1);
	}
	return i;
}

uint16_t
vpkg_spec_hdr_len(const struct vpkg_stream_spec *s)
{
	uint16_t n = RTE_ETHER_HDR_LEN + (s->vlan != 0 ? 4 : 0);

	n += s->src_ip.family == DP_FAM_V6 ? 40 : 20;
	switch (s->proto) {
	case VPKG_PROTO_UDP:
	case VPKG_PROTO_ICMP:
		return n + 8;
	default:
		return n + 20;
	}
}

uint16_t
vpkg_spec_probe_min(const struct vpkg_stream_spec *s)
{
	return (uint16_t)RTE_MAX(VPKG_MIN_FRAME, vpkg_spec_hdr_len(s) + DP_PROBE_LEN + VPKG_FCS_LEN);
}

int
vpkg_spec_check(const struct vpkg_stream_spec *s, const char *where, char *err, size_t len)
{
	uint16_t hdr = vpkg_spec_hdr_len(s) + VPKG_FCS_LEN;
	uint16_t min = RTE_MAX(VPKG_MIN_FRAME, hdr);
	uint16_t max = VPKG_MAX_FRAME + (s->vlan != 0 ? 4 : 0);
	char sz[128];

	vpkg_size_str(&s->size, sz, sizeof(sz));
	if (s->id >= VPKG_MAX_STREAMS) {
		snprintf(err, len, "%s.id: invalid value '%u' (ids are 0..%u)", where, s->id,
			 VPKG_MAX_STREAMS - 1);
		return -EINVAL;
	}
	if (s->src_ip.family != s->dst_ip.family) {
		snprintf(err, len, "%s.dst_ip: not of the address family of src_ip", where);
		return -EINVAL;
	}
	if (s->size.min < min) {
		if (hdr > VPKG_MIN_FRAME)
			snprintf(err, len, "%s.size: invalid value '%s' (%u bytes is below the %u bytes "
				 "of %s/%s%s headers and FCS)", where, sz, s->size.min, min,
				 s->src_ip.family == DP_FAM_V6 ? "IPv6" : "IPv4", vpkg_proto_str(s->proto),
				 s->vlan ? "/VLAN" : "");
		else
			snprintf(err, len, "%s.size: invalid value '%s' (%u bytes is below the 64-byte "
				 "Ethernet minimum, FCS included)", where, sz, s->size.min);
		return -EINVAL;
	}
	if (s->size.max > max) {
		snprintf(err, len, "%s.size: invalid value '%s' (%u bytes is above the %u-byte maximum)",
			 where, sz, s->size.max, max);
		return -EINVAL;
	}
	if (s->vlan > VPKG_VLAN_MAX) {
		snprintf(err, len, "%s.vlan: invalid value '%u' (VLAN ids are %u..%u)", where, s->vlan,
			 VPKG_VLAN_MIN, VPKG_VLAN_MAX);
		return -EINVAL;
	}
	if (s->duration < 0 || !isfinite(s->duration)) {
		snprintf(err, len, "%s.duration: must be 0 or more seconds", where);
		return -EINVAL;
	}
	if (s->src_port.count == 0 || s->dst_port.count == 0 || s->src_ip.r.count == 0 ||
	    s->dst_ip.r.count == 0) {
		snprintf(err, len, "%s: empty range", where);
		return -EINVAL;
	}
	return 0;
}

/* "14.88 Mpps" */
static void
pps_str(char *buf, size_t len, double pps)
{
	if (pps >= 1e6)
		snprintf(buf, len, "%.4g Mpps", pps / 1e6);
	else if (pps >= 1e3)
		snprintf(buf, len, "%.4g kpps", pps / 1e3);
	else
		snprintf(buf, len, "%.4g pps", pps);
}

int
vpkg_spec_check_port(const struct vpkg_stream_spec *s, uint16_t nb_ports, uint16_t port_id,
		uint32_t speed_mbps, const char *where, char *err, size_t len)
{
	double avg = vpkg_size_avg(&s->size), pps, line_pps;
	char rate[64], have[32], line[32];

	if (s->port >= nb_ports) {
		snprintf(err, len, "%s: \"port\": %u, but %u port(s) are in use (0..%u)", where,
			 s->port, nb_ports, nb_ports - 1);
		return -EINVAL;
	}
	vpkg_rate_str(&s->rate, rate, sizeof(rate));
	pps = vpkg_rate_pps(&s->rate, avg, speed_mbps);
	if (pps < 0) {
		snprintf(err, len, "%s: \"rate\": %s, but the line rate of port %u is unknown",
			 where, rate, port_id);
		return -EINVAL;
	}
	if (s->rate.unit == VPKG_RATE_MAX)
		return 0;
	pps_str(have, sizeof(have), pps);
	if (!(pps >= 0.001 && pps <= VPKG_MAX_PPS)) {
		snprintf(err, len, "%s: \"rate\": %s is %s of %.1f-byte frames, outside 0.001 pps "
			 "to 1 Gpps", where, rate, have, avg);
		return -EINVAL;
	}
	if (speed_mbps == 0)
		return 0;
	/* the same bound as the stream compiler: L1 bits, a relative 1e-9 of slack */
	line_pps = speed_mbps * 1e6 / ((avg + VPKG_L1_OVERHEAD) * 8);
	if (pps > line_pps * (1 + 1e-9)) {
		pps_str(line, sizeof(line), line_pps);
		snprintf(err, len, "%s: \"rate\": %s is %s of %.1f-byte frames and exceeds the line "
			 "rate of port %u (%s)", where, rate, have, avg, port_id, line);
		return -EINVAL;
	}
	return 0;
}

int
vpkg_spec_check_set(const struct vpkg_stream_spec *specs, unsigned int n, char *err, size_t len)
{
	unsigned int i, j;
	char where[64];
	int rc;

	if (n == 0) {
		snprintf(err, len, "streams: no stream");
		return -EINVAL;
	}
	if (n > VPKG_MAX_STREAMS) {
		snprintf(err, len, "streams: %u streams, at most %u", n, VPKG_MAX_STREAMS);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof(where), "stream '%s'", specs[i].name);
		rc = vpkg_spec_check(&specs[i], where, err, len);
		if (rc != 0)
			return rc;
		for (j = 0; j < i; j++) {
			if (specs[j].id == specs[i].id) {
				snprintf(err, len, "stream '%s'.id: duplicate id %u (also stream '%s')",
					 specs[i].name, specs[i].id, specs[j].name);
				return -EINVAL;
			}
			if (strcmp(specs[j].name, specs[i].name) == 0) {
				snprintf(err, len, "stream '%s': duplicate name (ids %u and %u)",
					 specs[i].name, specs[j].id, specs[i].id);
				return -EINVAL;
			}
		}
	}
	return 0;
}
