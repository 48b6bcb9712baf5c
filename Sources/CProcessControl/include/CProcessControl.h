#ifndef CPROCESSCONTROL_H
#define CPROCESSCONTROL_H

/// Marks the process as not dumpable (prctl PR_SET_DUMPABLE 0 on Linux): no core file, and no
/// ptrace attach or /proc/PID/mem reads by other processes of the same user. prctl is variadic, which
/// Swift cannot call. Returns 0, or -1 with errno set.
int process_control_forbid_dumping(void);

/// Caps glibc's malloc arenas (mallopt M_ARENA_MAX, which Swift does not see): a server whose threads each
/// take an arena holds far more memory than it uses. Returns 0, or -1 where it could not be set.
int process_control_limit_malloc_arenas(int arenas);

#endif
