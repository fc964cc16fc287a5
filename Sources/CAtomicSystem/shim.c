#define _GNU_SOURCE
#include "CAtomicSystem.h"
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

int catomic_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int catomic_epoll_ctl(int epfd, int op, int fd, unsigned int events, unsigned long long data) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int catomic_epoll_wait(int epfd, unsigned int *events, unsigned long long *data, int max, int timeout_ms) {
    struct epoll_event buf[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, buf, max, timeout_ms);
    for (int i = 0; i < n; i++) { events[i] = buf[i].events; data[i] = buf[i].data.u64; }
    return n;
}

int catomic_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
int catomic_accept_nonblocking(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC); }

int catomic_mallopt(int parameter, int value) { return mallopt(parameter, value); }
const int catomic_M_ARENA_MAX = M_ARENA_MAX;
const int catomic_M_MMAP_THRESHOLD = M_MMAP_THRESHOLD;
const int catomic_M_TRIM_THRESHOLD = M_TRIM_THRESHOLD;

const unsigned int catomic_EPOLLIN = EPOLLIN;
const unsigned int catomic_EPOLLOUT = EPOLLOUT;
const unsigned int catomic_EPOLLERR = EPOLLERR;
const unsigned int catomic_EPOLLHUP = EPOLLHUP;
const unsigned int catomic_EPOLLRDHUP = EPOLLRDHUP;
const int catomic_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
const int catomic_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
const int catomic_EPOLL_CTL_DEL = EPOLL_CTL_DEL;
