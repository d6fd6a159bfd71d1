/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_rss.h"

/* Toeplitz keys are 40 bytes unless the device says otherwise. */
#define DP_RSS_KEY_LEN_DEFAULT 40

/*
 * The key given to rte_eth_dev_configure: the driver may keep the pointer
 * (rte_eth_dev_data.dev_conf) and read it again at start, so it lives as
 * long as the process. Written on the main lcore during set-up only.
 */
static uint8_t sym_key[UINT8_MAX];

static uint8_t
key_len(const struct rte_eth_dev_info *info)
{
	return info->hash_key_size != 0 ? info->hash_key_size : DP_RSS_KEY_LEN_DEFAULT;
}

/* The hash functions asked for: what the device has of IP, TCP, UDP. */
static uint64_t
hash_functions(const struct rte_eth_dev_info *info)
{
	return (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP) & info->flow_type_rss_offloads;
}

static void
fill_sym_key(void)
{
	size_t i;

	for (i = 0; i < sizeof(sym_key); i++)
		sym_key[i] = (i & 1) ? 0x5a : 0x6d;
}

bool
dp_rss_symmetric_by_construction(const char *driver)
{
	return strcmp(driver, "net_af_packet") == 0;
}

int
dp_rss_refuse(const struct dp_port *p, const char *why, char *err, size_t errlen)
{
	snprintf(err, errlen, "--rxq: invalid value '%u' (port %u (%s, driver %s) cannot be given "
		 "a symmetric RSS key: %s; both directions of a flow must reach one worker; "
		 "use --rxq 1)", p->nb_rxq, p->port_id, p->name, p->driver, why);
	return -EINVAL;
}

int
dp_rss_symmetric_conf(const struct dp_port *p, const struct rte_eth_dev_info *info,
		struct rte_eth_conf *conf, char *err, size_t errlen)
{
	uint64_t hf = hash_functions(info);

	if (dp_rss_symmetric_by_construction(p->driver)) {
		printf("port %u (%s): the kernel's fanout hash spreads flows symmetrically\n",
		       p->port_id, p->name);
		return 0;
	}
	if (hf == 0)
		return dp_rss_refuse(p, "the device has no RSS", err, errlen);
	fill_sym_key();
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
	conf->rx_adv_conf.rss_conf.rss_key = sym_key;
	conf->rx_adv_conf.rss_conf.rss_key_len = key_len(info);
	return 0;
}

/* Whether the port hashes with the symmetric key: 1, 0, or negative errno. */
static int
has_sym_key(uint16_t port_id, uint8_t len)
{
	struct rte_eth_rss_conf conf;
	uint8_t key[UINT8_MAX];
	int rc;

	memset(&conf, 0, sizeof(conf));
	conf.rss_key = key;
	conf.rss_key_len = len;
	rc = rte_eth_dev_rss_hash_conf_get(port_id, &conf);
	if (rc != 0)
		return rc;
	return memcmp(key, sym_key, len) == 0;
}

static int
report(const struct dp_port *p, const char *how)
{
	printf("port %u (%s): symmetric RSS key over %u rx queues%s\n", p->port_id, p->name,
	       p->nb_rxq, how);
	return 0;
}

int
dp_rss_symmetric_check(const struct dp_port *p, char *err, size_t errlen)
{
	struct rte_eth_rss_conf conf;
	struct rte_eth_dev_info info;
	char why[128];
	uint8_t len;
	int rc;

	if (p->nb_rxq <= 1 || dp_rss_symmetric_by_construction(p->driver))
		return 0;
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc != 0) {
		snprintf(why, sizeof(why), "cannot read device info: %s", strerror(-rc));
		return dp_rss_refuse(p, why, err, errlen);
	}
	len = key_len(&info);
	rc = has_sym_key(p->port_id, len);
	if (rc == -ENOTSUP)
		return report(p, " (given at configure; the driver cannot show it)");
	if (rc == 1)
		return report(p, "");
	/* some drivers keep their own key at configure time: set it now */
	memset(&conf, 0, sizeof(conf));
	conf.rss_key = sym_key;
	conf.rss_key_len = len;
	conf.rss_hf = hash_functions(&info);
	rc = rte_eth_dev_rss_hash_update(p->port_id, &conf);
	if (rc != 0) {
		snprintf(why, sizeof(why), "the driver refused the key: %s", strerror(-rc));
		return dp_rss_refuse(p, why, err, errlen);
	}
	if (has_sym_key(p->port_id, len) == 0)
		return dp_rss_refuse(p, "the driver kept its own key", err, errlen);
	return report(p, "");
}
