/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule file parser (grammar in vfw/README.md):
 *
 *   rule    := ACTION [in|out] [PROTO] { from ADDR [port PORTS]
 *                                     | to ADDR [port PORTS]
 *                                     | type ICMPTYPE [code N]
 *                                     | stateless }
 *   default := default ACTION [stateless]
 *   ACTION  := allow | deny
 *   PROTO   := any | ip4 | ip6 | tcp | udp | icmp | icmp6 | proto N
 *   ADDR    := any | IPV4[/LEN] | IPV6[/LEN]
 *   PORTS   := any | N | N-M
 *
 * '#' starts a comment. One rule per line. The first error refuses the file.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dp_escape.h"
#include "dp_net.h"
#include "rules.h"

enum proto_kw {
	PK_NONE = 0,	/* not written: any */
	PK_ANY,
	PK_IP4,
	PK_IP6,
	PK_TCP,
	PK_UDP,
	PK_ICMP,
	PK_ICMP6,
	PK_NUM,		/* proto N */
};

#define MAX_TOKENS 32

struct icmp_name {
	const char *name;
	int v4;		/* type in ICMP, -1 if none */
	int v6;		/* type in ICMPv6, -1 if none */
};

static const struct icmp_name icmp_names[] = {
	{ "echo-reply", 0, 129 },
	{ "dest-unreachable", 3, 1 },
	{ "source-quench", 4, -1 },
	{ "redirect", 5, 137 },
	{ "echo-request", 8, 128 },
	{ "router-advertisement", 9, 134 },
	{ "router-solicitation", 10, 133 },
	{ "time-exceeded", 11, 3 },
	{ "parameter-problem", 12, 4 },
	{ "timestamp-request", 13, -1 },
	{ "timestamp-reply", 14, -1 },
	{ "packet-too-big", -1, 2 },
	{ "neighbour-solicitation", -1, 135 },
	{ "neighbour-advertisement", -1, 136 },
};

const char *
vfw_icmp_type_name(uint8_t family, uint8_t type)
{
	size_t i;

	for (i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++) {
		int t = family == DP_FAM_V6 ? icmp_names[i].v6 : icmp_names[i].v4;

		if (t == type)
			return icmp_names[i].name;
	}
	return NULL;
}

#define QUOTE_SLOTS 3	/* input pieces one message may quote */
#define QUOTE_LEN 72	/* escaped length of one, "..." when cut */

#define NAME_LEN 160	/* escaped file name in messages */

struct parser {
	char name[NAME_LEN];	/* escaped */
	uint32_t line;
	char *err;
	size_t errlen;
	char quoted[QUOTE_SLOTS][QUOTE_LEN];
	unsigned int next_quote;
};

/*
 * A piece of the input made safe to print (dp_escape.h): rule files are
 * untrusted and their errors go to a terminal. Valid until QUOTE_SLOTS
 * more calls.
 */
static const char *
q(struct parser *p, const char *s)
{
	char *slot = p->quoted[p->next_quote];

	p->next_quote = (p->next_quote + 1) % QUOTE_SLOTS;
	return dp_escape_str(slot, QUOTE_LEN, s);
}

static int
perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
perr(struct parser *p, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->name, p->line, why);
	return -EINVAL;
}

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int
parse_prefix(struct parser *p, const char *tok, struct vfw_prefix *pfx)
{
	struct dp_prefix dp;
	char why[200];

	memset(pfx, 0, sizeof(*pfx));
	if (strcmp(tok, "any") == 0)
		return 0;
	/* host bits must be zero: a typo in a mask is a policy hole */
	if (dp_prefix_parse(tok, DP_PFX_HOST_ZERO, &dp, why, sizeof(why)) != 0)
		return perr(p, "%s", why);
	pfx->family = dp.family;
	pfx->len = dp.len;
	memcpy(pfx->addr, dp.addr, sizeof(pfx->addr));
	return 0;
}

static int
parse_ports(struct parser *p, const char *tok, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	char *dash;
	unsigned long a, b;

	if (strcmp(tok, "any") == 0) {
		*lo = 0;
		*hi = 65535;
		return 0;
	}
	if (strlen(tok) >= sizeof(buf))
		return perr(p, "invalid port '%s' (N, N-M or any, 0 to 65535)", q(p, tok));
	strcpy(buf, tok);
	dash = strchr(buf, '-');
	if (dash != NULL)
		*dash = '\0';
	if (parse_uint(buf, 65535, &a) != 0 ||
	    (dash != NULL && parse_uint(dash + 1, 65535, &b) != 0))
		return perr(p, "invalid port '%s' (N, N-M or any, 0 to 65535)", q(p, tok));
	if (dash == NULL)
		b = a;
	if (a > b)
		return perr(p, "empty port range '%s' (%lu > %lu)", q(p, tok), a, b);
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

static int
parse_icmp_type(struct parser *p, const char *tok, uint8_t family, int16_t *type)
{
	unsigned long v;
	size_t i;

	if (parse_uint(tok, 255, &v) == 0) {
		*type = (int16_t)v;
		return 0;
	}
	for (i = 0; i < sizeof(icmp_names) / sizeof(icmp_names[0]); i++) {
		int t;

		if (strcmp(tok, icmp_names[i].name) != 0)
			continue;
		t = family == DP_FAM_V6 ? icmp_names[i].v6 : icmp_names[i].v4;
		if (t < 0)
			return perr(p, "ICMP type '%s' does not exist in %s", q(p, tok),
					family == DP_FAM_V6 ? "ICMPv6" : "ICMP (IPv4)");
		*type = (int16_t)t;
		return 0;
	}
	return perr(p, "unknown ICMP type '%s' (a number 0-255 or a name like echo-request)", q(p, tok));
}

static int
parse_action(const char *tok)
{
	if (strcmp(tok, "allow") == 0)
		return VFW_ALLOW;
	if (strcmp(tok, "deny") == 0)
		return VFW_DENY;
	return -1;
}

/* Protocol keyword at tokens[*i]; advances *i past it (and past N of proto N). */
static int
parse_proto(struct parser *p, char **tok, unsigned int nt, unsigned int *i,
		struct vfw_rule *r)
{
	static const struct {
		const char *kw;
		enum proto_kw pk;
		int16_t proto;
		uint8_t fam;
	} kws[] = {
		{ "any", PK_ANY, VFW_PROTO_ANY, VFW_FAM_ANY },
		{ "ip4", PK_IP4, VFW_PROTO_ANY, DP_FAM_V4 },
		{ "ip6", PK_IP6, VFW_PROTO_ANY, DP_FAM_V6 },
		{ "tcp", PK_TCP, IPPROTO_TCP, VFW_FAM_ANY },
		{ "udp", PK_UDP, IPPROTO_UDP, VFW_FAM_ANY },
		{ "icmp", PK_ICMP, IPPROTO_ICMP, DP_FAM_V4 },
		{ "icmp6", PK_ICMP6, IPPROTO_ICMPV6, DP_FAM_V6 },
	};
	unsigned long v;
	size_t k;

	for (k = 0; k < sizeof(kws) / sizeof(kws[0]); k++) {
		if (strcmp(tok[*i], kws[k].kw) == 0) {
			r->proto_kw = (uint8_t)kws[k].pk;
			r->proto = kws[k].proto;
			r->families = kws[k].fam;
			(*i)++;
			return 1;
		}
	}
	if (strcmp(tok[*i], "proto") == 0) {
		if (*i + 1 >= nt)
			return perr(p, "'proto' needs a protocol number (0-255)");
		if (parse_uint(tok[*i + 1], 255, &v) != 0)
			return perr(p, "invalid protocol number '%s' (0-255)", q(p, tok[*i + 1]));
		r->proto_kw = PK_NUM;
		r->proto = (int16_t)v;
		r->families = VFW_FAM_ANY;
		*i += 2;
		return 1;
	}
	return 0;
}

static bool
proto_has_ports(const struct vfw_rule *r)
{
	return r->proto == IPPROTO_TCP || r->proto == IPPROTO_UDP;
}

static bool
proto_is_icmp(const struct vfw_rule *r)
{
	return r->proto_kw == PK_ICMP || r->proto_kw == PK_ICMP6;
}

/* One rule line, already split in tokens (tok[0] is the action). */
static int
parse_rule(struct parser *p, char **tok, unsigned int nt, struct vfw_rule *r)
{
	bool have_from = false, have_to = false, have_type = false;
	bool sport = false, dport = false;
	unsigned int i = 1;
	int rc, a;

	memset(r, 0, sizeof(*r));
	r->line = p->line;
	r->proto = VFW_PROTO_ANY;
	r->families = VFW_FAM_ANY;
	r->sport_hi = r->dport_hi = 65535;
	r->icmp_type = r->icmp_code = -1;
	a = parse_action(tok[0]);
	if (a < 0)
		return perr(p, "unknown action '%s' (expected allow, deny or default)", q(p, tok[0]));
	r->action = (uint8_t)a;
	if (i < nt && (strcmp(tok[i], "in") == 0 || strcmp(tok[i], "out") == 0)) {
		r->dir = tok[i][0] == 'i' ? VFW_DIR_IN : VFW_DIR_OUT;
		i++;
	}
	if (i < nt) {
		rc = parse_proto(p, tok, nt, &i, r);
		if (rc < 0)
			return rc;
	}
	while (i < nt) {
		const char *kw = tok[i];

		if (strcmp(kw, "from") == 0 || strcmp(kw, "to") == 0) {
			bool from = kw[0] == 'f';
			struct vfw_prefix *pfx = from ? &r->src : &r->dst;

			if (from ? have_from : have_to)
				return perr(p, "'%s' given twice", kw);
			if (i + 1 >= nt)
				return perr(p, "'%s' needs an address (any, IPV4[/LEN] or IPV6[/LEN])", kw);
			rc = parse_prefix(p, tok[i + 1], pfx);
			if (rc != 0)
				return rc;
			*(from ? &have_from : &have_to) = true;
			i += 2;
			if (i < nt && strcmp(tok[i], "port") == 0) {
				if (i + 1 >= nt)
					return perr(p, "'port' needs a value (N, N-M or any)");
				rc = parse_ports(p, tok[i + 1], from ? &r->sport_lo : &r->dport_lo,
						from ? &r->sport_hi : &r->dport_hi);
				if (rc != 0)
					return rc;
				*(from ? &sport : &dport) = true;
				i += 2;
			}
		} else if (strcmp(kw, "port") == 0) {
			return perr(p, "'port' must follow 'from ADDR' or 'to ADDR' (e.g. to any port 80)");
		} else if (strcmp(kw, "type") == 0) {
			if (!proto_is_icmp(r))
				return perr(p, "'type' needs the protocol icmp or icmp6");
			if (have_type)
				return perr(p, "'type' given twice");
			if (i + 1 >= nt)
				return perr(p, "'type' needs an ICMP type");
			rc = parse_icmp_type(p, tok[i + 1],
					r->proto_kw == PK_ICMP6 ? DP_FAM_V6 : DP_FAM_V4, &r->icmp_type);
			if (rc != 0)
				return rc;
			have_type = true;
			i += 2;
			if (i < nt && strcmp(tok[i], "code") == 0) {
				unsigned long v;

				if (i + 1 >= nt || parse_uint(tok[i + 1], 255, &v) != 0)
					return perr(p, "'code' needs a number 0-255");
				r->icmp_code = (int16_t)v;
				i += 2;
			}
		} else if (strcmp(kw, "code") == 0) {
			return perr(p, "'code' must follow 'type T'");
		} else if (strcmp(kw, "stateless") == 0) {
			if (r->action != VFW_ALLOW)
				return perr(p, "'stateless' only applies to allow rules");
			if (r->stateless)
				return perr(p, "'stateless' given twice");
			r->stateless = true;
			i++;
		} else if (strcmp(kw, "in") == 0 || strcmp(kw, "out") == 0) {
			return perr(p, "the direction '%s' must come right after the action", kw);
		} else {
			unsigned int j = i;
			struct vfw_rule tmp = *r;

			if (parse_proto(p, tok, nt, &j, &tmp) > 0)
				return perr(p, "the protocol '%s' must come before from/to/type", kw);
			return perr(p, "unexpected '%s' (expected from, to, type or stateless)", q(p, kw));
		}
	}
	if ((sport || dport) && !proto_has_ports(r))
		return perr(p, "port ranges need the protocol tcp or udp");
	/* families: the protocol's, narrowed by the addresses */
	if (r->src.family != 0)
		r->families &= r->src.family;
	if (r->dst.family != 0)
		r->families &= r->dst.family;
	if (r->families == 0)
		return perr(p, "IPv4 and IPv6 mixed in one rule (the protocol and the "
				"'from'/'to' addresses must be of one family)");
	return 0;
}

/* Split line in place; returns the number of tokens, -1 if too many. */
static int
tokenize(char *line, char **tok)
{
	int n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (*s == '\0' || *s == '#')
			break;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
			s++;
		if (*s == '#') {
			*s = '\0';
			break;
		}
		if (*s != '\0')
			*s++ = '\0';
	}
	return n;
}

static int
parse_default(struct parser *p, char **tok, int nt, struct vfw_rule_list *l)
{
	int a;

	if (l->default_line != 0)
		return perr(p, "second 'default' line (the first is line %u)", l->default_line);
	if (nt < 2 || (a = parse_action(tok[1])) < 0)
		return perr(p, "'default' needs allow or deny");
	l->default_action = (uint8_t)a;
	l->default_stateless = false;
	if (nt >= 3) {
		if (strcmp(tok[2], "stateless") != 0)
			return perr(p, "unexpected '%s' after 'default %s'", q(p, tok[2]),
					q(p, tok[1]));
		if (a != VFW_ALLOW)
			return perr(p, "'stateless' only applies to allow");
		l->default_stateless = true;
	}
	if (nt > 3)
		return perr(p, "unexpected '%s' after 'default %s stateless'",
				q(p, tok[3]), q(p, tok[1]));
	l->default_line = p->line;
	return 0;
}

/*
 * Editors on Windows start UTF-8 files with a byte order mark; it carries
 * no meaning in UTF-8, so it is skipped (elsewhere it is an error like any
 * stray byte, shown as \xEF\xBB\xBF).
 */
static const char *
skip_bom(const char *text)
{
	static const char bom[] = "\xEF\xBB\xBF";

	return strncmp(text, bom, sizeof(bom) - 1) == 0 ? text + sizeof(bom) - 1 : text;
}

void
vfw_rule_list_free(struct vfw_rule_list *l)
{
	if (l == NULL)
		return;
	free(l->rules);
	memset(l, 0, sizeof(*l));
}

int
vfw_rules_parse(const char *text, const char *name, struct vfw_rule_list *out,
		char *err, size_t errlen)
{
	struct parser p = { .err = err, .errlen = errlen };
	struct vfw_rule_list l;
	char *copy, *line, *next;
	uint32_t cap = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	l.default_action = VFW_DENY;
	dp_escape_str(p.name, sizeof(p.name), name != NULL ? name : "<rules>");
	text = skip_bom(text != NULL ? text : "");
	copy = strdup(text);
	if (copy == NULL) {
		snprintf(err, errlen, "%s: out of memory", p.name);
		return -ENOMEM;
	}
	for (line = copy; line != NULL && rc == 0; line = next) {
		char *tok[MAX_TOKENS];
		int nt;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		p.line++;
		nt = tokenize(line, tok);
		if (nt < 0) {
			rc = perr(&p, "too many words (at most %d)", MAX_TOKENS);
			break;
		}
		if (nt == 0)
			continue;
		if (strcmp(tok[0], "default") == 0) {
			rc = parse_default(&p, tok, nt, &l);
			continue;
		}
		if (l.nb_rules == VFW_RULES_MAX) {
			rc = perr(&p, "too many rules (at most %u)", VFW_RULES_MAX);
			break;
		}
		if (l.nb_rules == cap) {
			uint32_t ncap = cap == 0 ? 64 : cap * 2;
			struct vfw_rule *nr = realloc(l.rules, sizeof(*nr) * ncap);

			if (nr == NULL) {
				snprintf(err, errlen, "%s: out of memory", p.name);
				rc = -ENOMEM;
				break;
			}
			l.rules = nr;
			cap = ncap;
		}
		rc = parse_rule(&p, tok, (unsigned int)nt, &l.rules[l.nb_rules]);
		if (rc == 0)
			l.nb_rules++;
	}
	free(copy);
	if (rc != 0) {
		vfw_rule_list_free(&l);
		return rc;
	}
	*out = l;
	return 0;
}

/* What a file that is not a regular file is, for the message. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/*
 * Read at most VFW_RULES_FILE_MAX bytes of the open file fd into a malloc'd,
 * NUL-terminated buffer. size_hint is the size fstat saw; the file may grow
 * or shrink while it is read, the bound holds either way.
 */
static int
read_bounded(int fd, size_t size_hint, const char *name, char **text, size_t *len,
		char *err, size_t errlen)
{
	size_t cap = size_hint + 1, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t got;

		if (n + 1 >= cap || buf == NULL) {
			/* one byte past the limit tells a file that grew too large */
			size_t ncap = buf == NULL ? cap : cap * 2;
			char *nb;

			if (ncap > (size_t)VFW_RULES_FILE_MAX + 2)
				ncap = (size_t)VFW_RULES_FILE_MAX + 2;
			nb = realloc(buf, ncap);
			if (nb == NULL) {
				free(buf);
				snprintf(err, errlen, "%s: out of memory", name);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			free(buf);
			snprintf(err, errlen, "%s: read error: %s", name, strerror(e));
			return -e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > VFW_RULES_FILE_MAX) {
			free(buf);
			snprintf(err, errlen, "%s: too large (more than %u bytes, the limit of a "
					"rule file)", name, VFW_RULES_FILE_MAX);
			return -EFBIG;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/*
 * Open and check with fstat on the descriptor (no window between a check
 * and the open): only a regular file of at most VFW_RULES_FILE_MAX bytes.
 * O_NONBLOCK so that a FIFO is refused instead of waiting for a writer.
 */
static int
open_rules_file(const char *path, const char *name, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: cannot open: %s", name, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "%s: cannot stat: %s", name, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s: not a regular file (%s)", name, file_kind(st.st_mode));
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	if (st.st_size > VFW_RULES_FILE_MAX) {
		close(fd);
		snprintf(err, errlen, "%s: too large (%lld bytes, a rule file has at most %u)",
				name, (long long)st.st_size, VFW_RULES_FILE_MAX);
		return -EFBIG;
	}
	*size = (size_t)st.st_size;
	return fd;
}

int
vfw_rules_parse_file(const char *path, struct vfw_rule_list *out, char *err, size_t errlen)
{
	char name[NAME_LEN], *buf = NULL;
	size_t size = 0, len = 0;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	dp_escape_str(name, sizeof(name), path);
	fd = open_rules_file(path, name, &size, err, errlen);
	if (fd < 0)
		return fd;
	rc = read_bounded(fd, size, name, &buf, &len, err, errlen);
	close(fd);
	if (rc != 0)
		return rc;
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: not a text file (NUL byte at offset %zu)", name,
				strlen(buf));
		free(buf);
		return -EINVAL;
	}
	rc = vfw_rules_parse(buf, path, out, err, errlen);
	free(buf);
	return rc;
}

static void
format_prefix(const struct vfw_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (p->family == 0) {
		snprintf(buf, len, "any");
		return;
	}
	inet_ntop(p->family == DP_FAM_V6 ? AF_INET6 : AF_INET, p->addr, a, sizeof(a));
	if (p->len == (p->family == DP_FAM_V6 ? 128 : 32))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%u", a, p->len);
}

static void
format_ports(uint16_t lo, uint16_t hi, char *buf, size_t len)
{
	if (lo == hi)
		snprintf(buf, len, "%u", lo);
	else
		snprintf(buf, len, "%u-%u", lo, hi);
}

int
vfw_rule_format(const struct vfw_rule *r, char *buf, size_t len)
{
	static const char *const pk_names[] = {
		[PK_NONE] = "any", [PK_ANY] = "any", [PK_IP4] = "ip4", [PK_IP6] = "ip6",
		[PK_TCP] = "tcp", [PK_UDP] = "udp", [PK_ICMP] = "icmp", [PK_ICMP6] = "icmp6",
	};
	char pfx[INET6_ADDRSTRLEN + 8], ports[16];
	size_t o = 0;
	bool sport = r->sport_lo != 0 || r->sport_hi != 65535;
	bool dport = r->dport_lo != 0 || r->dport_hi != 65535;

#define APPEND(...) do { \
		int n_ = snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__); \
		if (n_ > 0) \
			o += (size_t)n_; \
	} while (0)
	if (len == 0)
		return 0;
	buf[0] = '\0';
	APPEND("%s", r->action == VFW_ALLOW ? "allow" : "deny");
	if (r->dir != VFW_DIR_ANY)
		APPEND(" %s", r->dir == VFW_DIR_IN ? "in" : "out");
	if (r->proto_kw == PK_NUM)
		APPEND(" proto %d", r->proto);
	else if (r->proto_kw < sizeof(pk_names) / sizeof(pk_names[0]))
		APPEND(" %s", pk_names[r->proto_kw]);
	if (r->src.family != 0 || sport) {
		format_prefix(&r->src, pfx, sizeof(pfx));
		APPEND(" from %s", pfx);
		if (sport) {
			format_ports(r->sport_lo, r->sport_hi, ports, sizeof(ports));
			APPEND(" port %s", ports);
		}
	}
	if (r->dst.family != 0 || dport) {
		format_prefix(&r->dst, pfx, sizeof(pfx));
		APPEND(" to %s", pfx);
		if (dport) {
			format_ports(r->dport_lo, r->dport_hi, ports, sizeof(ports));
			APPEND(" port %s", ports);
		}
	}
	if (r->icmp_type >= 0) {
		const char *n = vfw_icmp_type_name(r->proto_kw == PK_ICMP6 ? DP_FAM_V6 : DP_FAM_V4,
				(uint8_t)r->icmp_type);

		if (n != NULL)
			APPEND(" type %s", n);
		else
			APPEND(" type %d", r->icmp_type);
		if (r->icmp_code >= 0)
			APPEND(" code %d", r->icmp_code);
	}
	if (r->stateless)
		APPEND(" stateless");
#undef APPEND
	if (o >= len)
		o = len - 1;
	return (int)o;
}

int
vfw_rule_default_format(const struct vfw_rule_list *l, char *buf, size_t len)
{
	return snprintf(buf, len, "default %s%s", l->default_action == VFW_ALLOW ? "allow" : "deny",
			l->default_stateless ? " stateless" : "");
}
