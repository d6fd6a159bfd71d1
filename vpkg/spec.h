/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Stream specifications: what the operator asked for, as parsed from the
 * command line, the "streams" array of --config, or (later) the REST API.
 * A spec is plain data; streams.h compiles specs into the immutable table
 * the tx workers read.
 *
 * Sizes are Ethernet frame sizes including the 4-byte FCS (RFC 2544: a
 * "64-byte frame" is a 60-byte mbuf). testpmd's --txpkts is the mbuf length
 * and is converted (+4) when parsed.
 *
 * Thread safety: pure functions; specs are owned by whoever holds them
 * (main before launch, then the control lock of streams.c).
 */
#ifndef VPKG_SPEC_H
#define VPKG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <rte_ether.h>

#include "dp_net.h"

#define VPKG_MAX_STREAMS 1024	/* stream ids 0..1023 (vsnk's default --max-streams) */
#define VPKG_NAME_LEN 32
#define VPKG_IMIX_MAX 16
#define VPKG_IMIX_MAX_WEIGHT 1024	/* sum of the weights of an IMIX list */
#define VPKG_FCS_LEN 4
#define VPKG_L1_OVERHEAD 20	/* preamble + SFD (8) + inter-frame gap (12) */
#define VPKG_MIN_FRAME 64	/* with FCS */
#define VPKG_MAX_FRAME 1518	/* with FCS, untagged; +4 with a VLAN tag */
#define VPKG_MAX_PPS 1e9
#define VPKG_MAX_COUNT (UINT64_MAX >> 1)	/* packets of a stream; 0 = no limit */
#define VPKG_VLAN_MIN 1		/* a tagged stream's VLAN id; 0 in a spec = untagged */
#define VPKG_VLAN_MAX 4095

enum vpkg_rate_unit {
	VPKG_RATE_MAX = 0,	/* unpaced: as fast as the queue takes them */
	VPKG_RATE_PPS,		/* packets per second */
	VPKG_RATE_L2_BPS,	/* bit/s of frames (with FCS) */
	VPKG_RATE_L1_BPS,	/* bit/s on the wire: frame + 20 bytes */
	VPKG_RATE_PERCENT,	/* percent of the port's line rate (L1) */
};

struct vpkg_rate {
	uint8_t unit;		/* enum vpkg_rate_unit */
	double value;		/* in the unit; unused for VPKG_RATE_MAX */
};

enum vpkg_walk {
	VPKG_WALK_INC = 0,	/* base, base+step, ... wrapping */
	VPKG_WALK_RANDOM,	/* uniform over the range */
};

/* A 16- or 32-bit header value: fixed (count 1) or count values from base by step. */
struct vpkg_range {
	uint32_t base;
	uint32_t count;		/* >= 1 */
	uint32_t step;		/* >= 1 */
	uint8_t walk;		/* enum vpkg_walk */
};

/* An IP address or range. IPv6 ranges walk the low 32 bits. */
struct vpkg_addr {
	uint8_t family;		/* DP_FAM_V4 / DP_FAM_V6; DP_FAM_NONE = not set */
	uint8_t ip6[16];	/* IPv6: the first address */
	struct vpkg_range r;	/* IPv4: the address; IPv6: the low 32 bits */
};

enum vpkg_size_kind {
	VPKG_SIZE_FIXED = 0,
	VPKG_SIZE_RANGE,
	VPKG_SIZE_IMIX,
};

struct vpkg_size {
	uint8_t kind;		/* enum vpkg_size_kind */
	uint8_t walk;		/* RANGE: enum vpkg_walk */
	uint8_t nb_imix;
	uint16_t min, max;	/* frame sizes with FCS; FIXED: min == max */
	struct {
		uint16_t size;
		uint16_t weight;
	} imix[VPKG_IMIX_MAX];
};

enum vpkg_proto {
	VPKG_PROTO_UDP = 0,
	VPKG_PROTO_TCP,		/* data: ACK|PSH */
	VPKG_PROTO_TCP_SYN,
	VPKG_PROTO_ICMP,	/* echo request (ICMPv6 for IPv6) */
};

struct vpkg_stream_spec {
	char name[VPKG_NAME_LEN];	/* unique */
	uint16_t id;			/* unique, < VPKG_MAX_STREAMS; the probe's stream id */
	bool enabled;
	uint16_t port;			/* index into the ports in use (dp_ports[]) */
	struct vpkg_rate rate;
	uint8_t proto;			/* enum vpkg_proto */
	uint16_t vlan;			/* VLAN id 1..4095; 0 = untagged */
	bool has_src_mac, has_dst_mac;	/* else: port MAC / next hop */
	struct rte_ether_addr src_mac, dst_mac;
	struct vpkg_addr src_ip, dst_ip;
	struct vpkg_range src_port, dst_port;	/* ICMP: src_port is the echo id */
	struct vpkg_size size;
	uint64_t count;			/* packets; 0 = no limit */
	double duration;		/* seconds from the first packet; 0 = no limit */
};

/* --- value parsers: 0, or -EINVAL with the reason (no option name) in why --- */
int vpkg_parse_rate(const char *s, struct vpkg_rate *r, char *why, size_t len);
int vpkg_parse_size(const char *s, struct vpkg_size *sz, char *why, size_t len);
int vpkg_parse_addr(const char *s, struct vpkg_addr *a, char *why, size_t len);
int vpkg_parse_port_range(const char *s, struct vpkg_range *r, char *why, size_t len);
int vpkg_parse_proto(const char *s, uint8_t *proto, char *why, size_t len);
int vpkg_parse_walk(const char *s, uint8_t *walk, char *why, size_t len);
int vpkg_parse_name(const char *s, char *name, char *why, size_t len);
/* A VLAN id, VPKG_VLAN_MIN..VPKG_VLAN_MAX (--vlan and a stream's "vlan" alike) */
int vpkg_parse_vlan(const char *s, uint16_t *vlan, char *why, size_t len);

/* Text forms (for stats and messages). */
void vpkg_rate_str(const struct vpkg_rate *r, char *buf, size_t len);
void vpkg_size_str(const struct vpkg_size *sz, char *buf, size_t len);
const char *vpkg_proto_str(uint8_t proto);

/* Set a range to one fixed value. */
void vpkg_range_fixed(struct vpkg_range *r, uint32_t v);

/* Average frame size (with FCS) of a size spec, as sent over time. */
double vpkg_size_avg(const struct vpkg_size *sz);

/*
 * Packets per second of a rate for a stream of that average size on a port
 * of speed_mbps (0 = unknown). Returns 0 for VPKG_RATE_MAX, -1 when the rate
 * needs the line rate and it is unknown.
 */
double vpkg_rate_pps(const struct vpkg_rate *r, double avg_size, uint32_t speed_mbps);

/* Bytes of headers (without FCS) of a spec: Ethernet, VLAN, IP, L4. */
uint16_t vpkg_spec_hdr_len(const struct vpkg_stream_spec *s);

/* Smallest frame size (with FCS) that holds the headers and the probe. */
uint16_t vpkg_spec_probe_min(const struct vpkg_stream_spec *s);

/*
 * Defaults of one stream (for the JSON and command-line parsers): ONAP's
 * fw_udp values, enabled, 64 bytes, 10 pps, port 0.
 */
void vpkg_spec_defaults(struct vpkg_stream_spec *s, uint16_t id);

/* The ONAP demo: 10 streams fw_udp1..fw_udp10, ids 0..9. Returns 10. */
unsigned int vpkg_spec_onap(struct vpkg_stream_spec *specs, unsigned int max);

/*
 * Check one spec on its own (sizes against the headers, address families,
 * limits). where names it in the message ("streams[2]", "fw_udp1").
 */
int vpkg_spec_check(const struct vpkg_stream_spec *s, const char *where, char *err, size_t len);

/*
 * Check one spec against the ports in use: its port index below nb_ports,
 * and its rate on that port (ethdev port_id, speed_mbps, 0 = unknown): known
 * when it is a percentage, 0.001 to 1e9 packets/s, within the line rate.
 * where names the stream; the message names the key:
 * "WHERE: \"rate\": 20Mpps of 64-byte frames exceeds the line rate of port 0
 * (14.88 Mpps)". 0, or -EINVAL with err.
 */
int vpkg_spec_check_port(const struct vpkg_stream_spec *s, uint16_t nb_ports, uint16_t port_id,
		uint32_t speed_mbps, const char *where, char *err, size_t len);

/* Check a set: every spec, unique ids and names, at least one stream. */
int vpkg_spec_check_set(const struct vpkg_stream_spec *specs, unsigned int n, char *err,
		size_t len);

/*
 * Parse the "streams" array of a --config file into specs (at most max).
 * Returns the number of streams, or -EINVAL with err naming the element and
 * key ("streams[2].rate: ...").
 */
int vpkg_spec_parse_json(json_t *arr, struct vpkg_stream_spec *specs, unsigned int max,
		char *err, size_t len);

/*
 * Apply the keys of obj (the --config stream format) on top of *s: the same
 * parsers and messages as --config, where naming it ("fw_udp1": "fw_udp1.rate:
 * ..."). Checks the result on its own (vpkg_spec_check); *s is changed only
 * on success. Returns 0 or -EINVAL with err.
 */
int vpkg_spec_apply_json(struct vpkg_stream_spec *s, json_t *obj, const char *where,
		char *err, size_t len);

/* One spec as a JSON object in the --config format (for stats and REST). */
json_t *vpkg_spec_to_json(const struct vpkg_stream_spec *s);

#endif /* VPKG_SPEC_H */
