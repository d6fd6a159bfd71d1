/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of dataplane/dp_options.c: good values, every kind of bad one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dp_options.h"
#include "dp_secret.h"

struct app_ctx {
	uint64_t rate;
	bool flag;
	int streams_seen;
	char password[64];
};

static int
set_rate(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct app_ctx *a = ctx;

	if (dp_parse_u64(value, 1, 1000, &a->rate) != 0)
		return dp_opt_error(err, errlen, name, value, "must be between 1 and 1000");
	return 0;
}

static int
set_flag(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct app_ctx *a = ctx;

	(void)name;
	(void)value;
	(void)err;
	(void)errlen;
	a->flag = true;
	return 0;
}

static int
config_key(void *ctx, const char *key, json_t *value, char *err, size_t errlen)
{
	struct app_ctx *a = ctx;

	if (strcmp(key, "streams") != 0)
		return -ENOENT;
	if (!json_is_array(value)) {
		snprintf(err, errlen, "'streams' must be an array");
		return -EINVAL;
	}
	a->streams_seen = (int)json_array_size(value);
	return 0;
}

static int
set_password(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	struct app_ctx *a = ctx;

	if (value == NULL || strlen(value) >= sizeof(a->password))
		return dp_opt_error(err, errlen, name, NULL, "bad password");
	strcpy(a->password, value);
	return 0;
}

static const struct dp_option app_opts[] = {
	{ "rate", "PPS", "rate", set_rate },
	{ "flag", NULL, "a flag", set_flag },
	{ "api-password", "PASS", "a secret", set_password },
};

static struct app_ctx actx;
static const struct dp_app app = {
	.name = "testapp",
	.summary = "test",
	.options = app_opts,
	.nb_options = sizeof(app_opts) / sizeof(app_opts[0]),
	.ctx = &actx,
	.config_key = config_key,
};

/* Parse a NULL-terminated list of arguments. */
static int
parse(struct dp_config *cfg, char *err, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	char *a;

	argv[argc++] = (char *)(uintptr_t)"testapp";
	va_start(ap, err);
	while ((a = va_arg(ap, char *)) != NULL)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	memset(&actx, 0, sizeof(actx));
	dp_config_defaults(cfg);
	return dp_options_parse(&app, cfg, argc, argv, err, DP_ERR_LEN);
}

static void
test_defaults(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.portmask, 0);
	assert_int_equal(cfg.nb_rxq, 1);
	assert_int_equal(cfg.nb_rxd, DP_DEFAULT_RXD);
	assert_int_equal(cfg.burst, DP_DEFAULT_BURST);
	assert_int_equal(cfg.idle_sleep_us, 0);
	assert_true(cfg.promisc);
	assert_string_equal(cfg.stats_file, "");
}

static void
test_good_values(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "--portmask", "0x3", "--nb-cores", "2", "--rxq", "4",
			"--txq=2", "--rxd", "512", "--txd", "2048", "--burst", "64",
			"--mbcache", "0", "--total-num-mbufs", "65536", "--stats-period", "5",
			"--duration", "2.5", "--stats-file", "/tmp/x.json", "--idle-sleep", "100",
			"--no-promisc", "--mgmt", "127.0.0.1:8183", "--rate", "7", "--flag", NULL),
			DP_PARSE_RUN);
	assert_int_equal(cfg.portmask, 3);
	assert_int_equal(cfg.nb_cores, 2);
	assert_int_equal(cfg.nb_rxq, 4);
	assert_int_equal(cfg.nb_txq, 2);
	assert_int_equal(cfg.nb_rxd, 512);
	assert_int_equal(cfg.nb_txd, 2048);
	assert_int_equal(cfg.burst, 64);
	assert_int_equal(cfg.mbcache, 0);
	assert_int_equal(cfg.total_num_mbufs, 65536);
	assert_int_equal(cfg.stats_period, 5);
	assert_true(cfg.duration > 2.49 && cfg.duration < 2.51);
	assert_string_equal(cfg.stats_file, "/tmp/x.json");
	assert_int_equal(cfg.idle_sleep_us, 100);
	assert_false(cfg.promisc);
	assert_string_equal(cfg.mgmt_host, "127.0.0.1");
	assert_int_equal(cfg.mgmt_port, 8183);
	assert_int_equal(actx.rate, 7);
	assert_true(actx.flag);
	/* portmask is hexadecimal with or without 0x, like testpmd */
	assert_int_equal(parse(&cfg, err, "--portmask", "10", NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.portmask, 0x10);
	assert_int_equal(parse(&cfg, err, "--mgmt", ":8080", NULL), DP_PARSE_RUN);
	assert_string_equal(cfg.mgmt_host, "127.0.0.1");
	assert_int_equal(parse(&cfg, err, "--mgmt", "[::1]:8080", NULL), DP_PARSE_RUN);
	assert_string_equal(cfg.mgmt_host, "::1");
}

/* Each bad argument list must fail and name the option and the value. */
static void
test_bad_values(void **state)
{
	static const struct {
		const char *opt, *val, *must_name;
	} bad[] = {
		{ "--portmask", "0", "'0'" },
		{ "--portmask", "xyz", "'xyz'" },
		{ "--portmask", "-1", "'-1'" },
		{ "--portmask", "0x100000000", "'0x100000000'" },
		{ "--nb-cores", "0", "'0'" },
		{ "--nb-cores", "abc", "'abc'" },
		{ "--rxq", "0", "'0'" },
		{ "--rxq", "1.5", "'1.5'" },
		{ "--rxq", "99999", "'99999'" },
		{ "--rxd", "-5", "'-5'" },
		{ "--txd", "", "''" },
		{ "--burst", "0", "'0'" },
		{ "--burst", "513", "'513'" },
		{ "--burst", "32x", "'32x'" },
		{ "--burst", " 32", "' 32'" },
		{ "--mbcache", "513", "'513'" },
		{ "--total-num-mbufs", "10", "'10'" },
		{ "--stats-period", "1e3", "'1e3'" },
		{ "--duration", "-1", "'-1'" },
		{ "--duration", "nan", "'nan'" },
		{ "--duration", "inf", "'inf'" },
		{ "--idle-sleep", "99999999", "'99999999'" },
		{ "--mgmt", "localhost", "'localhost'" },
		{ "--mgmt", "1.2.3.4:0", "'1.2.3.4:0'" },
		{ "--mgmt", "1.2.3.4:70000", "'1.2.3.4:70000'" },
		{ "--mgmt", "999.1.1.1:80", "'999.1.1.1:80'" },
		{ "--stats-file", "", "''" },
		{ "--rate", "0", "'0'" },
		{ "--rate", "1001", "'1001'" },
	};
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(&cfg, err, bad[i].opt, bad[i].val, NULL);

		if (rc >= 0 || strstr(err, bad[i].opt) == NULL || strstr(err, bad[i].must_name) == NULL)
			fail_msg("%s %s: rc %d, message '%s'", bad[i].opt, bad[i].val, rc, err);
		assert_null(strchr(err, '\n'));
	}
}

static void
test_bad_syntax(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];

	(void)state;
	assert_true(parse(&cfg, err, "--no-such-option", NULL) < 0);
	assert_non_null(strstr(err, "--no-such-option"));
	assert_true(parse(&cfg, err, "--burst", NULL) < 0);
	assert_non_null(strstr(err, "--burst"));
	assert_true(parse(&cfg, err, "stray", NULL) < 0);
	assert_non_null(strstr(err, "stray"));
	assert_true(parse(&cfg, err, "--flag=1", NULL) < 0);
	/* the first bad option is the one named */
	assert_true(parse(&cfg, err, "--burst", "0", "--rxq", "0", NULL) < 0);
	assert_non_null(strstr(err, "--burst"));
}

static void
test_help_version(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	FILE *saved = stdout;

	(void)state;
	stdout = fopen("/dev/null", "w");
	assert_int_equal(parse(&cfg, err, "--help", NULL), DP_PARSE_EXIT);
	/* --help wins even after a bad option */
	assert_int_equal(parse(&cfg, err, "--burst", "0", "--help", NULL), DP_PARSE_EXIT);
	assert_int_equal(parse(&cfg, err, "--version", NULL), DP_PARSE_EXIT);
	fclose(stdout);
	stdout = saved;
}

static char *
write_tmp(const char *text)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_options_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_config_file(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	char *path;

	(void)state;
	path = write_tmp("{\"burst\": 64, \"rxd\": \"512\", \"duration\": 1.5, \"flag\": true,"
			 " \"no-promisc\": false, \"streams\": [1, 2, 3]}");
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.burst, 64);
	assert_int_equal(cfg.nb_rxd, 512);
	assert_true(actx.flag);
	assert_true(cfg.promisc);
	assert_int_equal(actx.streams_seen, 3);
	/* the command line wins over the file */
	assert_int_equal(parse(&cfg, err, "--burst", "16", "--config", path, NULL), DP_PARSE_RUN);
	assert_int_equal(cfg.burst, 16);
	unlink(path);

	path = write_tmp("{\"burst\": 0}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "--burst"));
	unlink(path);

	path = write_tmp("{\"bogus\": 1}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "'bogus'"));
	unlink(path);

	path = write_tmp("{\"burst\": [1]}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "'burst'"));
	unlink(path);

	/* a flag is true or false: "false", 0 or "yes" are refused, not taken as true */
	path = write_tmp("{\"no-promisc\": \"false\"}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "'no-promisc' is a flag"));
	assert_true(cfg.promisc);
	unlink(path);
	path = write_tmp("{\"flag\": 0}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "'flag' is a flag"));
	assert_false(actx.flag);
	unlink(path);
	path = write_tmp("{\"no-promisc\": true}");
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), DP_PARSE_RUN);
	assert_false(cfg.promisc);
	unlink(path);

	path = write_tmp("{\"streams\": 5}");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "streams"));
	unlink(path);

	path = write_tmp("{\"burst\": 64,\n \"rxq\": }");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "line 2"));
	unlink(path);

	path = write_tmp("[1,2]");
	assert_true(parse(&cfg, err, "--config", path, NULL) < 0);
	assert_non_null(strstr(err, "object"));
	unlink(path);

	assert_true(parse(&cfg, err, "--config", "/nonexistent/x.json", NULL) < 0);
	assert_non_null(strstr(err, "/nonexistent/x.json"));
}

static void
test_value_parsers(void **state)
{
	uint8_t mac[6];
	uint32_t ip;
	uint64_t v;
	bool b;

	(void)state;
	assert_int_equal(dp_parse_mac("02:00:00:aa:bb:CC", mac), 0);
	assert_int_equal(mac[5], 0xcc);
	assert_true(dp_parse_mac("02:00:00:aa:bb", mac) < 0);
	assert_true(dp_parse_mac("02:00:00:aa:bb:cc:dd", mac) < 0);
	assert_true(dp_parse_mac("02-00-00-aa-bb-cc", mac) < 0);
	assert_true(dp_parse_mac("0g:00:00:aa:bb:cc", mac) < 0);
	assert_int_equal(dp_parse_ipv4("192.168.10.100", &ip), 0);
	assert_int_equal(ip, 0xc0a80a64);
	assert_true(dp_parse_ipv4("192.168.10", &ip) < 0);
	assert_true(dp_parse_ipv4("192.168.10.256", &ip) < 0);
	assert_int_equal(dp_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	assert_true(dp_parse_u64("18446744073709551616", 0, UINT64_MAX, &v) < 0);
	assert_int_equal(dp_parse_bool("Yes", &b), 0);
	assert_true(b);
	assert_int_equal(dp_parse_bool("off", &b), 0);
	assert_false(b);
	assert_true(dp_parse_bool("maybe", &b) < 0);
}

static int
set_group_port(void *ctx, const char *name, const char *value, char *err, size_t errlen)
{
	uint64_t *port = ctx;

	if (dp_parse_u64(value, 1, 65535, port) != 0)
		return dp_opt_error(err, errlen, name, value, "a port number");
	return 0;
}

static void
test_option_groups(void **state)
{
	static const struct dp_option group_opts[] = {
		{ "group-port", "PORT", "a grouped option", set_group_port },
	};
	struct dp_app g_app = app;
	struct dp_option_group grp = { "Group options", group_opts, 1, NULL };
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	char *argv[] = { (char *)(uintptr_t)"testapp", (char *)(uintptr_t)"--group-port",
			 (char *)(uintptr_t)"8183", (char *)(uintptr_t)"--rate",
			 (char *)(uintptr_t)"5", NULL };
	char *bad[] = { (char *)(uintptr_t)"testapp", (char *)(uintptr_t)"--group-port",
			(char *)(uintptr_t)"0", NULL };
	uint64_t port = 0;
	unsigned int i;

	(void)state;
	grp.ctx = &port;
	assert_int_equal(dp_app_add_group(&g_app, &grp), 0);
	dp_config_defaults(&cfg);
	assert_int_equal(dp_options_parse(&g_app, &cfg, 5, argv, err, sizeof(err)), DP_PARSE_RUN);
	assert_int_equal(port, 8183);
	assert_int_equal(actx.rate, 5);
	assert_true(dp_options_parse(&g_app, &cfg, 3, bad, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "--group-port"));
	for (i = 1; i < DP_MAX_OPTION_GROUPS; i++)
		assert_int_equal(dp_app_add_group(&g_app, &grp), 0);
	assert_int_equal(dp_app_add_group(&g_app, &grp), -ENOSPC);
}


/* A file of mode mode holding text; the path is static. */
static char *
write_tmp_mode(const char *text, mode_t mode)
{
	char *path = write_tmp(text);

	assert_int_equal(chmod(path, mode), 0);
	return path;
}

/* Every secret file obeys one rule: regular, mode 600 (no group/other bits), small. */
static void
test_secret_read(void **state)
{
	static const mode_t loose[] = { 0644, 0640, 0620, 0604, 0602 };
	char buf[16], err[DP_ERR_LEN], big[DP_SECRET_FILE_MAX + 2];
	unsigned int i;
	size_t len;
	char *path;

	(void)state;
	path = write_tmp_mode("s3cret\nsecond line\n", 0600);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), 0);
	assert_string_equal(buf, "s3cret");
	assert_int_equal(len, 6);
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), 0);
	for (i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		assert_int_equal(chmod(path, loose[i]), 0);
		assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len,
				err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "--x-password-file"));
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "chmod 600"));
		assert_null(strstr(err, "s3cret"));
		assert_null(strchr(err, '\n'));
	}
	unlink(path);

	/* not a regular file */
	assert_int_equal(dp_secret_read("x-password-file", "/tmp", buf, sizeof(buf), &len, err,
			sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	/* oversize, even with a short first line */
	memset(big, 'a', sizeof(big) - 1);
	big[3] = '\n';
	big[sizeof(big) - 1] = '\0';
	path = write_tmp_mode(big, 0600);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, path));
	unlink(path);
	/* a line that does not fit, an empty line, a control character */
	path = write_tmp_mode("0123456789abcdefXYZ\n", 0600);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "longer than 15"));
	assert_null(strstr(err, "0123"));
	unlink(path);
	path = write_tmp_mode("\nlater\n", 0600);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty"));
	unlink(path);
	path = write_tmp_mode("ab\tc\n", 0600);
	assert_int_equal(dp_secret_read("x-password-file", path, buf, sizeof(buf), &len, err,
			sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "control character"));
	unlink(path);
	assert_int_equal(dp_secret_read("x-password-file", "/nonexistent/pw", buf, sizeof(buf),
			&len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/nonexistent/pw"));
}

static void
test_secret_names(void **state)
{
	(void)state;
	assert_true(dp_option_is_secret("mgmt-password"));
	assert_true(dp_option_is_secret("ves-password"));
	assert_true(dp_option_is_secret("api-token"));
	assert_true(dp_option_is_secret("client-secret"));
	assert_false(dp_option_is_secret("mgmt-password-file"));
	assert_false(dp_option_is_secret("mgmt-user"));
	assert_false(dp_option_is_secret("rate"));
}

/* A --config file that holds a secret obeys the rule of a password file. */
static void
test_config_secret(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	char *path;

	(void)state;
	path = write_tmp_mode("{\"rate\": 5, \"api-password\": \"hunter2\"}", 0644);
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), -EINVAL);
	assert_non_null(strstr(err, "--config"));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "api-password"));
	assert_non_null(strstr(err, "chmod 600"));
	assert_null(strstr(err, "hunter2"));
	assert_null(strchr(err, '\n'));
	/* refused before any key is applied */
	assert_int_equal(actx.rate, 0);
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), -EINVAL);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), DP_PARSE_RUN);
	assert_string_equal(actx.password, "hunter2");
	assert_int_equal(actx.rate, 5);
	unlink(path);
	/* without a secret, any mode */
	path = write_tmp_mode("{\"rate\": 5}", 0644);
	assert_int_equal(parse(&cfg, err, "--config", path, NULL), DP_PARSE_RUN);
	unlink(path);
}

/* Messages about a missing companion option name the option actually given. */
static void
test_first_given(void **state)
{
	struct dp_config cfg;
	char err[DP_ERR_LEN];
	char *path;

	(void)state;
	assert_int_equal(parse(&cfg, err, "--burst", "16", "--api-password", "x", "--rate", "3",
			NULL), DP_PARSE_RUN);
	assert_string_equal(dp_config_first_given(&cfg, "api-"), "api-password");
	assert_string_equal(dp_config_first_given(&cfg, "r"), "rate");
	assert_null(dp_config_first_given(&cfg, "mgmt"));
	assert_true(dp_config_given(&cfg, "burst"));
	assert_false(dp_config_given(&cfg, "rxq"));
	/* the config file's options count too, and come first */
	path = write_tmp_mode("{\"rxd\": 512}", 0600);
	assert_int_equal(parse(&cfg, err, "--rxq", "2", "--config", path, NULL), DP_PARSE_RUN);
	assert_true(dp_config_given(&cfg, "rxd"));
	assert_string_equal(dp_config_first_given(&cfg, "rx"), "rxd");
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_good_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_config_file),
		cmocka_unit_test(test_value_parsers),
		cmocka_unit_test(test_option_groups),
		cmocka_unit_test(test_secret_read),
		cmocka_unit_test(test_secret_names),
		cmocka_unit_test(test_config_secret),
		cmocka_unit_test(test_first_given),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
