/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Network vocabulary shared by every binary: the code of an IP family, the
 * protocol numbers by name, big-endian field access at any alignment, and
 * the one parser of an IP address or prefix ("ADDR" or "ADDR/LEN").
 *
 * Pure C, no DPDK; reentrant.
 */
#ifndef DP_NET_H
#define DP_NET_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>	/* IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 */

/*
 * The IP family, one code everywhere (packet info, session keys, rules,
 * routes, neighbours, generator specs). Values are also usable as a bit
 * set (V4 | V6 = either), which the rules use.
 */
enum dp_family {
	DP_FAM_NONE = 0,
	DP_FAM_V4 = 1,
	DP_FAM_V6 = 2,
};

/* Bytes of an address of the family (4 or 16; 0 for DP_FAM_NONE). */
static inline unsigned int
dp_fam_addr_len(unsigned int fam)
{
	return fam == DP_FAM_V4 ? 4 : fam == DP_FAM_V6 ? 16 : 0;
}

/* The AF_* of a family (AF_INET / AF_INET6; AF_UNSPEC for none). */
int dp_fam_af(unsigned int fam);

/* The ICMP protocol of a family: IPPROTO_ICMP or IPPROTO_ICMPV6. */
static inline uint8_t
dp_fam_icmp_proto(unsigned int fam)
{
	return fam == DP_FAM_V6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
}

/* --- big-endian fields at any alignment --- */

static inline uint16_t
dp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
dp_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
dp_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
dp_wr32(uint8_t *p, uint32_t v)
{
	dp_wr16(p, (uint16_t)(v >> 16));
	dp_wr16(p + 2, (uint16_t)v);
}

/* --- addresses and prefixes --- */

/* An address or prefix; addr in network order, the bytes past the family's length 0. */
struct dp_prefix {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6 */
	uint8_t len;		/* prefix length; the full length when none was given */
	uint8_t addr[16];
};

/* dp_prefix_parse() flags */
#define DP_PFX_NEED_LEN   0x1	/* "ADDR" alone is an error */
#define DP_PFX_NO_LEN     0x2	/* "ADDR/LEN" is an error: an address, not a prefix */
#define DP_PFX_HOST_ZERO  0x4	/* bits past the length must be 0 (a typo in a policy) */

/*
 * Parse "ADDR" or "ADDR/LEN", IPv4 (dotted quad) or IPv6. The first len
 * bytes of s are read (it need not be NUL terminated). Returns 0 with *out
 * filled, or -EINVAL with a one-line reason in err naming the bad part
 * (escaped), e.g. "invalid prefix length '33' in '10.0.0.0/33' (0 to 32)";
 * *out is then unspecified. The caller adds where the value came from.
 */
int dp_prefix_parse_n(const char *s, size_t len, unsigned int flags, struct dp_prefix *out,
		char *err, size_t errlen);

/* dp_prefix_parse_n() of a NUL-terminated string. */
int dp_prefix_parse(const char *s, unsigned int flags, struct dp_prefix *out, char *err,
		size_t errlen);

#endif /* DP_NET_H */
