/* SPDX-License-Identifier: BSD-3-Clause */
/* --xdp-steer rule parser: see dp_xdp_rule.h for the grammar. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dp_options.h"
#include "dp_xdp_rule.h"

#define MAX_WORDS 12
#define MAX_RULE_LEN 128

static int
rule_error(char *err, size_t errlen, const char *why, const char *word)
{
	if (word != NULL)
		snprintf(err, errlen, "%s '%s'", why, word);
	else
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

void
dp_xdp_rule_set_dst6(struct vfwcl_xdp_rule *r, const uint8_t addr[16], unsigned int len)
{
	unsigned int w, bits;

	if (len > 128)
		len = 128;

	for (w = 0; w < 4; w++) {
		uint32_t word, mask;

		bits = len > w * 32 ? len - w * 32 : 0;
		mask = bits >= 32 ? UINT32_MAX : bits == 0 ? 0 : UINT32_MAX << (32 - bits);
		memcpy(&word, &addr[w * 4], sizeof(word));
		r->dst6_mask[w] = htonl(mask);
		r->dst6[w] = word & htonl(mask);
	}
	r->prefix_len = (uint8_t)len;
}

/*
 * "ADDR" or "ADDR/LEN", IPv4 or IPv6 (a ':' says which), into a masked
 * network-order prefix and its match bit (*match).
 */
static int
parse_prefix(const char *s, struct vfwcl_xdp_rule *r, uint32_t *match)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	bool v6 = memchr(s, ':', alen) != NULL;
	uint64_t len = v6 ? 128 : 32;
	uint32_t host, mask;
	struct in6_addr a6;

	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (slash != NULL && dp_parse_u64(slash + 1, 0, len, &len) != 0)
		return -EINVAL;
	if (v6) {
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			return -EINVAL;
		dp_xdp_rule_set_dst6(r, a6.s6_addr, (unsigned int)len);
		*match = VFWCL_XDP_MATCH_DST6;
		return 0;
	}
	if (dp_parse_ipv4(addr, &host) != 0)
		return -EINVAL;
	mask = len == 0 ? 0 : UINT32_MAX << (32 - len);
	r->dst_mask = htonl(mask);
	r->dst = htonl(host & mask);
	r->prefix_len = (uint8_t)len;
	*match = VFWCL_XDP_MATCH_DST;
	return 0;
}

static int
parse_proto_word(const char *w, uint8_t *proto)
{
	if (strcmp(w, "udp") == 0)
		*proto = IPPROTO_UDP;
	else if (strcmp(w, "tcp") == 0)
		*proto = IPPROTO_TCP;
	else if (strcmp(w, "icmp") == 0)
		*proto = IPPROTO_ICMP;
	else if (strcmp(w, "icmp6") == 0)
		*proto = IPPROTO_ICMPV6;
	else
		return -ENOENT;
	return 0;
}

/* One keyword with its value (words[i+1] when it takes one); returns words used. */
static int
parse_word(char **words, int i, int nb, struct vfwcl_xdp_rule *r, char *err, size_t errlen)
{
	const char *w = words[i];
	const char *v = i + 1 < nb ? words[i + 1] : NULL;
	uint64_t n;
	uint8_t proto = 0;

	if (parse_proto_word(w, &proto) == 0 || strcmp(w, "proto") == 0) {
		if (r->match & VFWCL_XDP_MATCH_PROTO)
			return rule_error(err, errlen, "protocol given twice at", w);
		r->match |= VFWCL_XDP_MATCH_PROTO;
		if (strcmp(w, "proto") != 0) {
			r->proto = proto;
			return 1;
		}
		if (v == NULL || dp_parse_u64(v, 0, 255, &n) != 0)
			return rule_error(err, errlen, "proto needs a number 0..255, got", v);
		r->proto = (uint8_t)n;
		return 2;
	}
	if (strcmp(w, "dst") == 0) {
		uint32_t match = 0;

		if (r->match & (VFWCL_XDP_MATCH_DST | VFWCL_XDP_MATCH_DST6))
			return rule_error(err, errlen, "dst given twice", NULL);
		if (v == NULL || parse_prefix(v, r, &match) != 0)
			return rule_error(err, errlen,
					"dst needs ADDR or ADDR/LEN (IPv4 or IPv6), got", v);
		r->match |= match;
		return 2;
	}
	if (strcmp(w, "port") == 0) {
		if (r->match & VFWCL_XDP_MATCH_PORT)
			return rule_error(err, errlen, "port given twice", NULL);
		if (v == NULL || dp_parse_u64(v, 1, 65535, &n) != 0)
			return rule_error(err, errlen, "port needs a number 1..65535, got", v);
		r->dst_port = htons((uint16_t)n);
		r->match |= VFWCL_XDP_MATCH_PORT;
		return 2;
	}
	if (strcmp(w, "vlan") == 0) {
		if (r->match & VFWCL_XDP_MATCH_VLAN)
			return rule_error(err, errlen, "vlan given twice", NULL);
		if (v == NULL || dp_parse_u64(v, 0, 4095, &n) != 0)
			return rule_error(err, errlen, "vlan needs a number 0..4095, got", v);
		r->vlan = (uint16_t)n;
		r->match |= VFWCL_XDP_MATCH_VLAN;
		return 2;
	}
	if (strcmp(w, "probe") == 0) {
		if (r->match & VFWCL_XDP_MATCH_PROBE)
			return rule_error(err, errlen, "probe given twice", NULL);
		r->match |= VFWCL_XDP_MATCH_PROBE;
		return 1;
	}
	return rule_error(err, errlen, "unknown word", w);
}

/* Split a copy of text on blanks; returns the number of words or -1 if too many. */
static int
split_words(char *copy, char **words)
{
	int nb = 0;
	char *save = NULL;
	char *w;

	for (w = strtok_r(copy, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (nb == MAX_WORDS)
			return -1;
		words[nb++] = w;
	}
	return nb;
}

int
dp_xdp_rule_parse(const char *text, struct vfwcl_xdp_rule *rule, char *err, size_t errlen)
{
	char copy[MAX_RULE_LEN];
	char *words[MAX_WORDS];
	struct vfwcl_xdp_rule r;
	int nb, i, used;

	if (text == NULL || strlen(text) >= sizeof(copy))
		return rule_error(err, errlen, "empty or longer than 127 characters", NULL);
	strcpy(copy, text);
	nb = split_words(copy, words);
	if (nb < 0)
		return rule_error(err, errlen, "too many words", NULL);
	if (nb == 0)
		return rule_error(err, errlen, "empty rule", NULL);
	memset(&r, 0, sizeof(r));
	if (strcmp(words[0], "all") == 0) {
		if (nb != 1)
			return rule_error(err, errlen, "'all' stands alone, got", words[1]);
		r.match = VFWCL_XDP_MATCH_ALL;
		*rule = r;
		return 0;
	}
	for (i = 0; i < nb; i += used) {
		used = parse_word(words, i, nb, &r, err, errlen);
		if (used < 0)
			return used;
	}
	if ((r.match & VFWCL_XDP_MATCH_PORT) &&
	    (!(r.match & VFWCL_XDP_MATCH_PROTO) ||
	     (r.proto != IPPROTO_UDP && r.proto != IPPROTO_TCP)))
		return rule_error(err, errlen, "port needs udp or tcp", NULL);
	/* an IPv6 destination's ping is ICMPv6: "icmp dst 2001:db8::1" means that */
	if ((r.match & VFWCL_XDP_MATCH_DST6) && (r.match & VFWCL_XDP_MATCH_PROTO) &&
	    r.proto == IPPROTO_ICMP)
		r.proto = IPPROTO_ICMPV6;
	if ((r.match & VFWCL_XDP_MATCH_DST) && (r.match & VFWCL_XDP_MATCH_PROTO) &&
	    r.proto == IPPROTO_ICMPV6)
		return rule_error(err, errlen, "icmp6 with an IPv4 dst", NULL);
	*rule = r;
	return 0;
}

static const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_UDP: return "udp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmp6";
	default: return NULL;
	}
}

void
dp_xdp_rule_format(const struct vfwcl_xdp_rule *r, char *buf, size_t len)
{
	char proto[16] = "", dst[64] = "", port[16] = "", vlan[16] = "";
	const char *probe = (r->match & VFWCL_XDP_MATCH_PROBE) ? " probe" : "";
	char addr[INET6_ADDRSTRLEN];
	const char *name = proto_name(r->proto);

	if (r->match & VFWCL_XDP_MATCH_ALL) {
		snprintf(buf, len, "all");
		return;
	}
	if (r->match & VFWCL_XDP_MATCH_PROTO) {
		if (name != NULL)
			snprintf(proto, sizeof(proto), " %s", name);
		else
			snprintf(proto, sizeof(proto), " proto %u", r->proto);
	}
	if (r->match & VFWCL_XDP_MATCH_DST) {
		inet_ntop(AF_INET, &r->dst, addr, sizeof(addr));
		snprintf(dst, sizeof(dst), " dst %s/%u", addr, r->prefix_len);
	} else if (r->match & VFWCL_XDP_MATCH_DST6) {
		inet_ntop(AF_INET6, r->dst6, addr, sizeof(addr));
		snprintf(dst, sizeof(dst), " dst %s/%u", addr, r->prefix_len);
	}
	if (r->match & VFWCL_XDP_MATCH_PORT)
		snprintf(port, sizeof(port), " port %u", ntohs(r->dst_port));
	if (r->match & VFWCL_XDP_MATCH_VLAN)
		snprintf(vlan, sizeof(vlan), " vlan %u", r->vlan);
	/* skip the leading blank of the first part */
	snprintf(buf, len, "%s%s%s%s%s", proto, dst, port, vlan, probe);
	if (buf[0] == ' ')
		memmove(buf, buf + 1, strlen(buf));
}
