/* SPDX-License-Identifier: BSD-3-Clause */
/* net_af_packet's socket drops (dp_afpacket.h). */
#include <dirent.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <rte_common.h>
#include <rte_config.h>

#include "dp_afpacket.h"

#define AFP_MAX_SOCKETS 16	/* per port: net_af_packet's qpairs */

struct afp_socket {
	int fd;
	ino_t ino;	/* the socket's inode: an fd closed and reused is not it */
};

/* All under lock. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	struct afp_socket s[AFP_MAX_SOCKETS];
	unsigned int n;
	uint64_t drops;
} ports[RTE_MAX_ETHPORTS];

/* fd is an AF_PACKET socket bound to if_index; its inode in *ino. */
static bool
is_packet_socket_on(int fd, int if_index, ino_t *ino)
{
	struct sockaddr_ll sll;
	socklen_t len = sizeof(int);
	struct stat st;
	int domain = 0;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 || domain != AF_PACKET)
		return false;
	memset(&sll, 0, sizeof(sll));
	len = sizeof(sll);
	if (getsockname(fd, (struct sockaddr *)&sll, &len) != 0 || sll.sll_ifindex != if_index)
		return false;
	*ino = st.st_ino;
	return true;
}

unsigned int
dp_afpacket_attach(unsigned int slot, int if_index)
{
	DIR *d;
	struct dirent *e;
	unsigned int n = 0;

	if (slot >= RTE_DIM(ports) || if_index <= 0)
		return 0;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	pthread_mutex_lock(&lock);
	while ((e = readdir(d)) != NULL && n < AFP_MAX_SOCKETS) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		ino_t ino;

		if (*end != '\0' || end == e->d_name || fd == dirfd(d))
			continue;
		if (is_packet_socket_on((int)fd, if_index, &ino))
			ports[slot].s[n++] = (struct afp_socket){ (int)fd, ino };
	}
	ports[slot].n = n;
	ports[slot].drops = 0;
	pthread_mutex_unlock(&lock);
	closedir(d);
	return n;
}

uint64_t
dp_afpacket_drops(unsigned int slot)
{
	struct tpacket_stats ts;
	socklen_t len;
	uint64_t v;
	unsigned int i;

	if (slot >= RTE_DIM(ports))
		return 0;
	pthread_mutex_lock(&lock);
	for (i = 0; i < ports[slot].n; i++) {
		struct stat st;

		if (fstat(ports[slot].s[i].fd, &st) != 0 || st.st_ino != ports[slot].s[i].ino)
			continue;	/* closed with the port */
		memset(&ts, 0, sizeof(ts));
		len = sizeof(ts);
		if (getsockopt(ports[slot].s[i].fd, SOL_PACKET, PACKET_STATISTICS, &ts, &len) == 0)
			ports[slot].drops += ts.tp_drops;
	}
	v = ports[slot].drops;
	pthread_mutex_unlock(&lock);
	return v;
}

void
dp_afpacket_detach_all(void)
{
	unsigned int i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < RTE_DIM(ports); i++)
		ports[i].n = 0;
	pthread_mutex_unlock(&lock);
}
