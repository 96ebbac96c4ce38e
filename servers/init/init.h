/*
 * init, the root task: shared declarations of its files.
 */
#ifndef SERVERS_INIT_INIT_H
#define SERVERS_INIT_INIT_H

#include "sk.h"
#include "abi/skiff/proto/svc.h"

struct service_def;

/* One service's state; svcs[] is indexed by service id. */
struct service {
	const struct service_def *def;	/* NULL: not in the boot image */
	sk_handle_t ep;			/* its endpoint, kept across restarts */
	sk_handle_t vmo;		/* its program */
	uint64_t size;
	sk_handle_t proc;		/* while running */
	enum svc_state state;
	uint32_t restarts;
};

extern struct service svcs[SVC_COUNT];
extern sk_handle_t watch_notif;	/* bit id: service id ended; bit 62: a program */

#define WATCH_PROGRAM	(1ull << 62)

void services_start(const struct sk_bootinfo *bi);
int64_t service_start(const struct sk_bootinfo *bi, struct service *s);
void services_reap(const struct sk_bootinfo *bi, uint64_t bits);
int is_service_module(const struct sk_bootinfo *bi, const struct sk_boot_module *m);
sk_handle_t service_handle(enum sk_svc_id id, uint64_t badge);
int program_note(sk_handle_t vmo, uint64_t size, uint32_t type);

int64_t linux_start(sk_handle_t prog, uint64_t size, const struct sk_boot_module *libos,
    const char *exe, const char *const argv[], const char *const envp[],
    const char *cwd, const sk_handle_t *fds, int nfds, int64_t *pid);
int wait_program(const struct sk_bootinfo *bi, sk_handle_t p, int64_t pid);
int console_session(const struct sk_bootinfo *bi, const struct sk_boot_module *libos);
int exec_mode(const struct sk_bootinfo *bi);
void shutdown(const struct sk_bootinfo *bi, int how) __attribute__((noreturn));
const char *service_name(const struct service *s);
sk_handle_t svc_serve(const struct sk_bootinfo *bi);
void svc_lock(void);
void svc_unlock(void);
extern sk_handle_t init_ep;	/* the svc endpoint */

#endif
