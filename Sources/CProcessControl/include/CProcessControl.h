#ifndef CPROCESSCONTROL_H
#define CPROCESSCONTROL_H

/// Marks the process as not dumpable (prctl PR_SET_DUMPABLE 0 on Linux): no core file, and no
/// ptrace attach or /proc/PID/mem reads by other processes of the same user. prctl is variadic, which
/// Swift cannot call. Returns 0, or -1 with errno set.
int process_control_forbid_dumping(void);

#endif
