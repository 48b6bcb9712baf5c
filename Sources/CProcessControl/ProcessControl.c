#include "CProcessControl.h"

#if defined(__linux__)
#include <sys/prctl.h>
#endif

int process_control_forbid_dumping(void) {
#if defined(__linux__)
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#else
  return 0;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int process_control_limit_malloc_arenas(int arenas) {
#if defined(__GLIBC__)
  return mallopt(M_ARENA_MAX, arenas) == 1 ? 0 : -1;
#else
  return 0;
#endif
}
