/* Accept-and-close TCP listeners on COUNT consecutive loopback ports from FIRST, for the
 * health-check scale benchmark: one epoll loop, so that 10,000 checks a second do not starve it.
 * Runs until killed. Usage: tcp-listeners FIRST COUNT   (bench/health-scale.sh compiles it) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s FIRST COUNT\n", argv[0]); return 2; }
    int first = atoi(argv[1]), count = atoi(argv[2]);
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    int epoll = epoll_create1(0);
    for (int port = first; port < first + count; port++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        if (bind(fd, (struct sockaddr *)&address, sizeof address) || listen(fd, 64)) { perror("bind/listen"); return 1; }
        struct epoll_event event = { .events = EPOLLIN, .data.fd = fd };
        epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    printf("listening on 127.0.0.1:%d-%d\n", first, first + count - 1);
    fflush(stdout);
    struct epoll_event events[256];
    for (;;) {
        int ready = epoll_wait(epoll, events, 256, -1);
        for (int i = 0; i < ready; i++) {
            int client;
            while ((client = accept4(events[i].data.fd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                close(client);
            }
        }
    }
}
