// Wrappers for libedit's variadic calls, which Swift cannot make, and a
// SIGINT flag. Each wrapper does one operation.
#ifndef TWOCS_CLIBEDIT_SHIM_H
#define TWOCS_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

static inline EditLine *tcs_el_init(const char *program) { return el_init(program, stdin, stdout, stderr); }

static inline int tcs_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
  return el_set(el, EL_PROMPT_ESC, prompt, '\1');
}

static inline int tcs_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }

static inline int tcs_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

static inline int tcs_el_add_function(EditLine *el, const char *name, const char *help,
                                      unsigned char (*function)(EditLine *, int)) {
  return el_set(el, EL_ADDFN, name, help, function);
}

static inline int tcs_el_bind(EditLine *el, const char *key, const char *function) {
  return el_set(el, EL_BIND, key, function, NULL);
}

static inline int tcs_el_set_client_data(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }

static inline void *tcs_el_get_client_data(EditLine *el) {
  void *data = NULL;
  el_get(el, EL_CLIENTDATA, &data);
  return data;
}

static inline int tcs_el_set_history(EditLine *el, History *store) {
  return el_set(el, EL_HIST, history, store);
}

static inline int tcs_history_set_size(History *store, int size) {
  HistEvent event;
  return history(store, &event, H_SETSIZE, size);
}

static inline int tcs_history_set_unique(History *store, int unique) {
  HistEvent event;
  return history(store, &event, H_SETUNIQUE, unique);
}

static inline int tcs_history_enter(History *store, const char *line) {
  HistEvent event;
  return history(store, &event, H_ENTER, line);
}

static inline int tcs_history_load(History *store, const char *path) {
  HistEvent event;
  return history(store, &event, H_LOAD, path);
}

static inline int tcs_history_save(History *store, const char *path) {
  HistEvent event;
  return history(store, &event, H_SAVE, path);
}

static inline int tcs_history_clear(History *store) {
  HistEvent event;
  return history(store, &event, H_CLEAR);
}

// SIGINT: a handler without SA_RESTART, so el_gets returns with EINTR, and a
// flag the program polls to cancel a running command. The process has many
// threads and the signal may land on any of them, so while a line is being
// read the handler passes it on to the reading thread, whose read() must see it.
static inline volatile sig_atomic_t *tcs_interrupted(void) {
  static volatile sig_atomic_t interrupted = 0;
  return &interrupted;
}

// The kernel thread id of the thread in el_gets, or 0.
static inline volatile sig_atomic_t *tcs_reader(void) {
  static volatile sig_atomic_t reader = 0;
  return &reader;
}

static inline void tcs_on_interrupt(int signal_number) {
  *tcs_interrupted() = 1;
  int reader = *tcs_reader();
  if (reader != 0 && reader != (int)syscall(SYS_gettid)) {
    syscall(SYS_tgkill, getpid(), reader, signal_number);
  }
}

// The reading thread may be a pool thread that blocks signals: unblock SIGINT
// on it while it reads, and block it again after.
static inline sigset_t *tcs_saved_mask(void) {
  static sigset_t saved;
  return &saved;
}

static inline void tcs_begin_reading(void) {
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &interrupt, tcs_saved_mask());
  *tcs_reader() = (int)syscall(SYS_gettid);
}

static inline void tcs_end_reading(void) {
  *tcs_reader() = 0;
  pthread_sigmask(SIG_SETMASK, tcs_saved_mask(), NULL);
}

static inline int tcs_install_interrupt_handler(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = tcs_on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  return sigaction(SIGINT, &action, NULL);
}

// Consumes a Ctrl-C that arrived while every thread blocked it, so it does not
// interrupt the next read. Call it on a thread that blocks SIGINT.
static inline void tcs_drain_pending_interrupts(void) {
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigset_t current;
  pthread_sigmask(SIG_BLOCK, NULL, &current);
  if (!sigismember(&current, SIGINT)) return;
  struct timespec zero = {0, 0};
  while (sigtimedwait(&interrupt, NULL, &zero) > 0) {
  }
}

static inline int tcs_take_interrupt(void) {
  int was = *tcs_interrupted();
  *tcs_interrupted() = 0;
  return was;
}

#endif
