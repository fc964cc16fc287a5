// The few Linux calls that Swift's Glibc module does not export (epoll, eventfd,
// accept4, mallopt), and the one compiler builtin Swift has no spelling for (a prefetch).
// Declared with plain C types only, so this header defines no system struct that
// could clash with the Glibc module's; shim.c implements the calls.
#ifndef C_ATOMIC_SYSTEM_H
#define C_ATOMIC_SYSTEM_H

int catomic_epoll_create(void);
int catomic_epoll_ctl(int epfd, int op, int fd, unsigned int events, unsigned long long data);
/// Waits for events; writes (events, data) pairs into the two arrays (at most 256).
int catomic_epoll_wait(int epfd, unsigned int *events, unsigned long long *data, int max, int timeout_ms);
int catomic_eventfd(void);
/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC.
int catomic_accept_nonblocking(int fd);
/// mallopt: 1 when the allocator took the setting.
int catomic_mallopt(int parameter, int value);
extern const int catomic_M_ARENA_MAX;
extern const int catomic_M_MMAP_THRESHOLD;
extern const int catomic_M_TRIM_THRESHOLD;

extern const unsigned int catomic_EPOLLIN;
extern const unsigned int catomic_EPOLLOUT;
extern const unsigned int catomic_EPOLLERR;
extern const unsigned int catomic_EPOLLHUP;
extern const unsigned int catomic_EPOLLRDHUP;
extern const int catomic_EPOLL_CTL_ADD;
extern const int catomic_EPOLL_CTL_MOD;
extern const int catomic_EPOLL_CTL_DEL;

/// Asks for the cache line at `address` ahead of a write, without waiting for it
/// (a hint: an address that is not mapped is ignored, never a fault).
static inline __attribute__((always_inline)) void catomic_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
