/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule file: an ordered list of rules in a text form a person can read
 * (grammar and examples in vfw/README.md), parsed into struct vfw_rule.
 *
 *   default deny
 *   allow out any
 *   allow in udp to 192.168.20.0/24 port 8080
 *   allow in icmp type echo-request
 *
 * The first rule that matches a packet decides; a packet no rule matches
 * gets the default policy. A file with one error is refused as a whole, with
 * "FILE:LINE: reason".
 *
 * Pure C, no DPDK: the compiled form (rte_acl) is in acl.h.
 * Thread safety: functions are reentrant (no shared state).
 */
#ifndef VFW_RULES_H
#define VFW_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp_net.h"

#define VFW_RULES_MAX 65536		/* rules in one file */
#define VFW_RULE_TEXT_MAX 160		/* canonical text of one rule */
/*
 * Size limit of a rule file: room for VFW_RULES_MAX rules of about 250
 * characters (the longest IPv6 rules are about 150) with comments; a path
 * to an endless file (/dev/zero) must not eat the memory.
 */
#define VFW_RULES_FILE_MAX (16u << 20)

enum vfw_action {
	VFW_DENY = 0,
	VFW_ALLOW = 1,
};

/* Direction = role of the input port. */
enum vfw_dir {
	VFW_DIR_ANY = 0,
	VFW_DIR_IN = 1,		/* arrived on the unprotected port (toward the protected side) */
	VFW_DIR_OUT = 2,	/* arrived on the protected port (toward the unprotected side) */
};

/* a rule's families: a set of dp_family bits */
#define VFW_FAM_ANY (DP_FAM_V4 | DP_FAM_V6)

#define VFW_PROTO_ANY (-1)

struct vfw_prefix {
	uint8_t family;		/* 0 = any address, else DP_FAM_V4 or DP_FAM_V6 */
	uint8_t len;		/* prefix length */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes; host bits zero */
};

struct vfw_rule {
	uint8_t action;		/* enum vfw_action */
	uint8_t dir;		/* enum vfw_dir */
	uint8_t families;	/* VFW_FAM_* the rule applies to (never 0) */
	bool stateless;		/* allow without connection tracking */
	int16_t proto;		/* IPPROTO_*, or VFW_PROTO_ANY */
	uint8_t proto_kw;	/* how the protocol was written (enum in rules_parse.c) */
	struct vfw_prefix src, dst;
	uint16_t sport_lo, sport_hi;	/* TCP/UDP; 0-65535 = any */
	uint16_t dport_lo, dport_hi;
	int16_t icmp_type;	/* ICMP/ICMPv6 type, -1 = any */
	int16_t icmp_code;	/* -1 = any */
	uint32_t line;		/* line in the file, from 1 */
};

struct vfw_rule_list {
	struct vfw_rule *rules;	/* malloc'd, nb_rules entries, in file order */
	uint32_t nb_rules;
	uint8_t default_action;	/* enum vfw_action; deny unless the file says otherwise */
	bool default_stateless;
	uint32_t default_line;	/* 0 when the file has no "default" line */
};

/*
 * Parse a whole rule file held in text (NUL terminated). name is used in
 * messages (a file name, or "<api>"). On success fills out (free with
 * vfw_rule_list_free) and returns 0. On the first error returns -EINVAL
 * with "NAME:LINE: reason" in err and leaves out empty; -ENOMEM when out of
 * memory.
 */
int vfw_rules_parse(const char *text, const char *name, struct vfw_rule_list *out,
		char *err, size_t errlen);

/*
 * Read and parse a file; errors name the file: cannot open: -errno; not a
 * regular file: -EISDIR or -EINVAL; larger than VFW_RULES_FILE_MAX: -EFBIG.
 * Never blocks on a FIFO and never reads more than the limit. A UTF-8 byte
 * order mark at the start of the text is skipped. Input quoted in messages
 * is escaped (dp_escape.h).
 */
int vfw_rules_parse_file(const char *path, struct vfw_rule_list *out, char *err, size_t errlen);

void vfw_rule_list_free(struct vfw_rule_list *l);

/*
 * The canonical text of a rule (what the parser would read back to the same
 * rule): used in reports and to carry per-rule counters over a reload.
 * Returns the length (truncated to len - 1).
 */
int vfw_rule_format(const struct vfw_rule *r, char *buf, size_t len);

/* "default allow" / "default deny [stateless]" */
int vfw_rule_default_format(const struct vfw_rule_list *l, char *buf, size_t len);

/* Name of an ICMP (family DP_FAM_V4) or ICMPv6 type, NULL when unnamed. */
const char *vfw_icmp_type_name(uint8_t family, uint8_t type);

#endif /* VFW_RULES_H */
