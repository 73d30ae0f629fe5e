/*
 * kafka-mock: run librdkafka's in-process mock Kafka cluster as a standalone server.
 *
 *   kafka-mock [-b brokers(3)] [-c control-fifo] [-r reply-file] [topic:partitions:rf ...]
 *
 * Prints "BOOTSTRAP=host:port,..." on stdout, then reads one command per line from the
 * control FIFO and answers "ok" or "err <reason>" (one line) on the reply file and stdout:
 *   down <broker|-1>   up <broker|-1>   rtt <broker|-1> <ms>   rack <broker|-1> <rack>
 *   leader <topic> <partition> <broker|-1>    (-1 = partition without leader)
 *   follower <topic> <partition> <broker>     topic <name> <partitions> <rf>
 *   apiversion <apikey> <min> <max>           (-1 -1 disables the API)
 *   ping   quit
 * Broker ids are 1..N. Build: gcc -O2 -o kafka-mock kafka-mock.c $(pkg-config --cflags --libs rdkafka)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static FILE *reply_fp;

static void reply(const char *fmt, const char *a) {
        char buf[512];
        snprintf(buf, sizeof(buf), fmt, a ? a : "");
        printf("%s\n", buf);
        fflush(stdout);
        if (reply_fp) {
                fprintf(reply_fp, "%s\n", buf);
                fflush(reply_fp);
        }
}

static void reply_err(rd_kafka_resp_err_t err) {
        if (err)
                reply("err %s", rd_kafka_err2str(err));
        else
                reply("ok", NULL);
}

static int parse_topic_spec(const char *spec, char *name, size_t namesz, int *parts, int *rf) {
        const char *c1 = strchr(spec, ':');
        if (!c1 || (size_t)(c1 - spec) >= namesz || c1 == spec)
                return -1;
        memcpy(name, spec, c1 - spec);
        name[c1 - spec] = '\0';
        if (sscanf(c1 + 1, "%d:%d", parts, rf) != 2 || *parts < 1 || *rf < 1)
                return -1;
        return 0;
}

static void handle(rd_kafka_mock_cluster_t *mc, char *line, int *quit) {
        char cmd[32], s1[256];
        int a, b, c;
        line[strcspn(line, "\r\n")] = '\0';
        if (sscanf(line, "%31s", cmd) != 1)
                return; /* blank line */
        if (!strcmp(cmd, "down") && sscanf(line, "%*s %d", &a) == 1)
                reply_err(rd_kafka_mock_broker_set_down(mc, a));
        else if (!strcmp(cmd, "up") && sscanf(line, "%*s %d", &a) == 1)
                reply_err(rd_kafka_mock_broker_set_up(mc, a));
        else if (!strcmp(cmd, "rtt") && sscanf(line, "%*s %d %d", &a, &b) == 2)
                reply_err(rd_kafka_mock_broker_set_rtt(mc, a, b));
        else if (!strcmp(cmd, "rack") && sscanf(line, "%*s %d %255s", &a, s1) == 2)
                reply_err(rd_kafka_mock_broker_set_rack(mc, a, s1));
        else if (!strcmp(cmd, "leader") && sscanf(line, "%*s %255s %d %d", s1, &a, &b) == 3)
                reply_err(rd_kafka_mock_partition_set_leader(mc, s1, a, b));
        else if (!strcmp(cmd, "follower") && sscanf(line, "%*s %255s %d %d", s1, &a, &b) == 3)
                reply_err(rd_kafka_mock_partition_set_follower(mc, s1, a, b));
        else if (!strcmp(cmd, "topic") && sscanf(line, "%*s %255s %d %d", s1, &a, &b) == 3)
                reply_err(rd_kafka_mock_topic_create(mc, s1, a, b));
        else if (!strcmp(cmd, "apiversion") && sscanf(line, "%*s %d %d %d", &a, &b, &c) == 3)
                reply_err(rd_kafka_mock_set_apiversion(mc, (int16_t)a, (int16_t)b, (int16_t)c));
        else if (!strcmp(cmd, "ping"))
                reply("ok", NULL);
        else if (!strcmp(cmd, "quit")) {
                reply("ok", NULL);
                *quit = 1;
        } else {
                line[200] = '\0';
                reply("err bad command: %s", line);
        }
}

int main(int argc, char **argv) {
        int brokers = 3, opt, quit = 0;
        const char *fifo = NULL, *reply_path = NULL;
        char errstr[512], line[1024], name[256];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        rd_kafka_mock_cluster_t *mc;
        FILE *in;

        while ((opt = getopt(argc, argv, "b:c:r:")) != -1) {
                switch (opt) {
                case 'b': brokers = atoi(optarg); break;
                case 'c': fifo = optarg; break;
                case 'r': reply_path = optarg; break;
                default:
                        fprintf(stderr, "usage: %s [-b brokers] [-c fifo] [-r reply-file] [topic:partitions:rf ...]\n", argv[0]);
                        return 2;
                }
        }
        if (brokers < 1) {
                fprintf(stderr, "kafka-mock: bad broker count\n");
                return 2;
        }

        conf = rd_kafka_conf_new();
        rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr));
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-mock: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mc = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mc) {
                fprintf(stderr, "kafka-mock: rd_kafka_mock_cluster_new failed\n");
                return 1;
        }
        for (int i = optind; i < argc; i++) {
                int parts, rf;
                rd_kafka_resp_err_t err;
                if (parse_topic_spec(argv[i], name, sizeof(name), &parts, &rf)) {
                        fprintf(stderr, "kafka-mock: bad topic spec '%s' (name:partitions:rf)\n", argv[i]);
                        return 2;
                }
                if ((err = rd_kafka_mock_topic_create(mc, name, parts, rf))) {
                        fprintf(stderr, "kafka-mock: topic %s: %s\n", name, rd_kafka_err2str(err));
                        return 1;
                }
        }
        if (reply_path && !(reply_fp = fopen(reply_path, "a"))) {
                fprintf(stderr, "kafka-mock: %s: %s\n", reply_path, strerror(errno));
                return 1;
        }
        printf("BOOTSTRAP=%s\n", rd_kafka_mock_cluster_bootstraps(mc));
        fflush(stdout);

        if (fifo) {
                /* O_RDWR keeps a writer open ourselves, so a client closing the FIFO is not EOF */
                int fd = open(fifo, O_RDWR);
                if (fd < 0 || !(in = fdopen(fd, "r"))) {
                        fprintf(stderr, "kafka-mock: %s: %s\n", fifo, strerror(errno));
                        return 1;
                }
        } else {
                in = stdin;
        }
        while (!quit && fgets(line, sizeof(line), in))
                handle(mc, line, &quit);
        if (!fifo && !quit) /* stdin closed: keep serving until killed */
                for (;;)
                        pause();

        rd_kafka_mock_cluster_destroy(mc);
        rd_kafka_destroy(rk);
        return 0;
}
