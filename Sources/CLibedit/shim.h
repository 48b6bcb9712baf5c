// Wrappers for libedit's variadic calls, which Swift cannot make, and Ctrl-C
// handling. Each wrapper does one operation.
#ifndef TWOCS_CLIBEDIT_SHIM_H
#define TWOCS_CLIBEDIT_SHIM_H

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

static inline EditLine *tcs_el_init(const char *program) { return el_init(program, stdin, stdout, stderr); }

static inline int tcs_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
  return el_set(el, EL_PROMPT_ESC, prompt, '\1');
}

static inline int tcs_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }

static inline int tcs_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }

// 1: the terminal in libedit's raw mode now; 0: back to normal.
static inline int tcs_el_prepare_terminal(EditLine *el, int raw) { return el_set(el, EL_PREP_TERM, raw); }

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

// Ctrl-C, and Ctrl-\ (SIGQUIT), which 2cs takes as Ctrl-C, as psql does: it must not dump core and a
// stack trace. The handler sets a flag, which the program polls to cancel a running
// command, and writes a byte to a pipe, which wakes the line reader below.
// The statics exist once per Swift module that calls these: only LineEditing does.
static inline volatile sig_atomic_t *tcs_interrupted(void) {
  static volatile sig_atomic_t interrupted = 0;
  return &interrupted;
}

// Read end, write end; both non-blocking.
static inline int *tcs_interrupt_pipe(void) {
  static int ends[2] = {-1, -1};
  return ends;
}

static inline void tcs_on_interrupt(int signal_number) {
  (void)signal_number;
  int saved_errno = errno;
  *tcs_interrupted() = 1;
  char byte = 0;
  (void)!write(tcs_interrupt_pipe()[1], &byte, 1);
  errno = saved_errno;
}

static inline int tcs_install_interrupt_handler(void) {
  int *ends = tcs_interrupt_pipe();
  if (ends[0] < 0) {
    if (pipe(ends) != 0) return -1;
    for (int i = 0; i < 2; i++) {
      fcntl(ends[i], F_SETFL, fcntl(ends[i], F_GETFL) | O_NONBLOCK);
      fcntl(ends[i], F_SETFD, FD_CLOEXEC);
    }
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = tcs_on_interrupt;
  sigemptyset(&action.sa_mask);
  // Nothing waits for EINTR: other system calls carry on.
  action.sa_flags = SA_RESTART;
  if (sigaction(SIGINT, &action, NULL) != 0) return -1;
  if (sigaction(SIGQUIT, &action, NULL) != 0) return -1;
  // A parent may have started 2cs with SIGINT blocked (the mask is inherited): let at least this thread
  // take it, or Ctrl-C would stay pending and never reach the handler.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigaddset(&interrupt, SIGQUIT);
  return pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
}

// A resized window. libedit's own SIGWINCH handler resizes the editor from whatever thread takes the signal,
// and 2cs reads lines on a pool thread while the main thread (parked in sigsuspend) takes signals: a resize
// then freed the editor's buffers under the reader, and 2cs crashed. This handler only writes to a pipe; the
// reader resizes (see tcs_read_character), on its own thread.
static inline int *tcs_window_pipe(void) {
  static int ends[2] = {-1, -1};
  return ends;
}

static inline void tcs_on_window_change(int signal_number) {
  (void)signal_number;
  int saved_errno = errno;
  char byte = 0;
  (void)!write(tcs_window_pipe()[1], &byte, 1);
  errno = saved_errno;
}

// Puts 2cs's SIGWINCH handler in place (again: el_gets puts libedit's in place each time it starts, and
// puts back the one it found when it ends).
static inline int tcs_install_window_handler(void) {
  int *ends = tcs_window_pipe();
  if (ends[0] < 0) {
    if (pipe(ends) != 0) return -1;
    for (int i = 0; i < 2; i++) {
      fcntl(ends[i], F_SETFL, fcntl(ends[i], F_GETFL) | O_NONBLOCK);
      fcntl(ends[i], F_SETFD, FD_CLOEXEC);
    }
  }
  struct sigaction current;
  if (sigaction(SIGWINCH, NULL, &current) == 0 && current.sa_handler == tcs_on_window_change) return 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = tcs_on_window_change;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(SIGWINCH, &action, NULL);
}

// Empties the window pipe; whether the window was resized since the last call.
static inline int tcs_drain_window_changes(void) {
  char bytes[64];
  int any = 0;
  while (tcs_window_pipe()[0] >= 0 && read(tcs_window_pipe()[0], bytes, sizeof bytes) > 0) any = 1;
  return any;
}

static inline int tcs_take_interrupt(void) {
  int was = *tcs_interrupted();
  *tcs_interrupted() = 0;
  return was;
}

// Empties the pipe; whether Ctrl-C was pressed since the last call.
static inline int tcs_drain_interrupts(void) {
  char bytes[64];
  int any = 0;
  while (read(tcs_interrupt_pipe()[0], bytes, sizeof bytes) > 0) any = 1;
  return any;
}

// libedit's own reader blocks in read() and counts on a Ctrl-C interrupting
// it, so a Ctrl-C that lands just before (while the prompt is drawn or a key
// is handled) is lost. This one waits for a key and for the pipe at once, so
// a Ctrl-C counts whenever it came: then it fails with EINTR and el_gets
// returns NULL with count -1.
static inline int tcs_read_character(EditLine *el, wchar_t *character) {
  char bytes[MB_LEN_MAX];
  size_t count = 0;
  *character = 0;
  if (tcs_window_pipe()[0] >= 0) tcs_install_window_handler();
  for (;;) {
    struct pollfd waits[3] = {
        {STDIN_FILENO, POLLIN, 0}, {tcs_interrupt_pipe()[0], POLLIN, 0}, {tcs_window_pipe()[0], POLLIN, 0}};
    if (poll(waits, 3, -1) < 0) {
      if (errno != EINTR) return -1;
      // Another signal: libedit's handler resizes once per line; this catches later resizes.
      el_resize(el);
      continue;
    }
    if (waits[1].revents & POLLIN) {
      errno = EINTR;
      return -1;
    }
    if (waits[2].revents & POLLIN) {
      tcs_drain_window_changes();
      el_resize(el);
      continue;
    }
    ssize_t got = read(STDIN_FILENO, bytes + count, 1);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return (int)got;
    count += 1;
    mbstate_t state;
    memset(&state, 0, sizeof state);
    size_t used = mbrtowc(character, bytes, count, &state);
    if (used == (size_t)-2 && count < MB_LEN_MAX) continue;  // a character's first bytes
    if (used == (size_t)-1 || used == (size_t)-2) {          // not UTF-8: drop it
      count = 0;
      continue;
    }
    return 1;
  }
}

static inline int tcs_el_read_interruptibly(EditLine *el) { return el_set(el, EL_GETCFN, tcs_read_character); }

// Some thread must take SIGINT for the handler to run: the reading thread may
// be a pool thread that blocks signals, so unblock SIGINT on it while it reads.
static inline sigset_t *tcs_saved_mask(void) {
  static sigset_t saved;
  return &saved;
}

static inline void tcs_begin_reading(void) {
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigaddset(&interrupt, SIGQUIT);
  pthread_sigmask(SIG_UNBLOCK, &interrupt, tcs_saved_mask());
}

static inline void tcs_end_reading(void) { pthread_sigmask(SIG_SETMASK, tcs_saved_mask(), NULL); }

#endif
