// libedit from Swift: wrappers for its variadic calls (which Swift cannot make), and the terminal's signals.
//
// How the pieces fit: 2cs reads lines on one thread while signals land on any thread, so no signal handler
// touches libedit. libedit installs none (EL_SIGNAL is off). Ctrl-C, Ctrl-\, SIGHUP and SIGTERM write to the
// interrupt pipe; SIGCONT and SIGWINCH to the terminal-event pipe. The line reader (tcs_read_character) waits on
// the terminal and both pipes, and acts on them on its own thread. It keeps a small read-ahead queue for the
// rest of an escape sequence. Ctrl-Z gives the shell its terminal mode back, then stops.
// The statics below exist once per Swift module that calls these: only LineEditing does.
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
#include <termios.h>
#include <wchar.h>

// `on_standard_error`: the editor draws on stderr, for when stdout is not the terminal (`2cs | less`).
static inline EditLine *tcs_el_init(const char *program, int on_standard_error) {
  return el_init(program, stdin, on_standard_error ? stderr : stdout, stderr);
}

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

// SIGHUP (the terminal went away) or SIGTERM, once one came: 2cs then ends as at Ctrl-D, a running command
// cancelled as by Ctrl-C, so the sandbox's state and the history are saved and the terminal is left as it was.
static inline volatile sig_atomic_t *tcs_ending_signal(void) {
  static volatile sig_atomic_t ending = 0;
  return &ending;
}

// A second one while 2cs is still ending ends it at once.
static inline void tcs_on_end(int signal_number) {
  if (*tcs_ending_signal() != 0) {
    signal(signal_number, SIG_DFL);
    raise(signal_number);
    return;
  }
  *tcs_ending_signal() = signal_number;
  tcs_on_interrupt(signal_number);
}

// SIGCONT (after Ctrl-Z and `fg`) and SIGWINCH (a resize) write their number to this pipe, which the line
// reader watches: a signal may land on any thread, and only the reader can set the terminal right again.
static inline int *tcs_terminal_event_pipe(void) {
  static int ends[2] = {-1, -1};
  return ends;
}

static inline void tcs_on_terminal_event(int signal_number) {
  int saved_errno = errno;
  unsigned char byte = (unsigned char)signal_number;
  (void)!write(tcs_terminal_event_pipe()[1], &byte, 1);
  errno = saved_errno;
}

static inline void tcs_set_bracketed_paste(int on);

// The terminal's mode before 2cs changed it, which Ctrl-Z gives back to the shell.
static inline struct termios *tcs_cooked_mode(void) {
  static struct termios mode;
  return &mode;
}

static inline int *tcs_cooked_mode_known(void) {
  static int known = 0;
  return &known;
}

static inline void tcs_remember_cooked_mode(void) {
  if (tcgetattr(STDIN_FILENO, tcs_cooked_mode()) == 0) *tcs_cooked_mode_known() = 1;
}

// Whether 2cs runs in the background of its terminal (a failed tcgetpgrp, after a hang-up, is not that).
static inline int tcs_in_background(void) {
  pid_t foreground = tcgetpgrp(STDIN_FILENO);
  return foreground > 0 && foreground != getpgrp();
}

// Whether a shell with job control can continue 2cs once it stops: its parent is in the same session but
// another process group. Not so when 2cs runs with no shell between it and the terminal (`xterm -e 2cs`,
// `tmux new 2cs`, `ssh -t host 2cs`): the system would not stop it, and Ctrl-Z must change nothing.
static inline int tcs_can_be_stopped(void) {
  pid_t parent = getppid();
  return getsid(parent) == getsid(0) && getpgid(parent) != getpgrp();
}

// Ctrl-Z: the shell gets the terminal back in its own mode and without bracketed paste (libedit does the
// first only for the first Ctrl-Z of a line), then 2cs stops; after `fg` the handler is set again and
// SIGCONT redraws the line. When nothing could continue 2cs, it does not stop: the line is drawn again.
static inline void tcs_on_suspend(int signal_number) {
  int saved_errno = errno;
  if (!tcs_can_be_stopped()) {
    tcs_on_terminal_event(SIGCONT);
    errno = saved_errno;
    return;
  }
  tcs_set_bracketed_paste(0);
  if (*tcs_cooked_mode_known()) tcsetattr(STDIN_FILENO, TCSADRAIN, tcs_cooked_mode());
  struct sigaction stop;
  memset(&stop, 0, sizeof stop);
  stop.sa_handler = SIG_DFL;
  sigemptyset(&stop.sa_mask);
  struct sigaction ours;
  sigaction(signal_number, &stop, &ours);
  sigset_t suspend;
  sigemptyset(&suspend);
  sigaddset(&suspend, signal_number);
  sigset_t previous;
  pthread_sigmask(SIG_UNBLOCK, &suspend, &previous);
  raise(signal_number);
  pthread_sigmask(SIG_SETMASK, &previous, NULL);
  sigaction(signal_number, &ours, NULL);
  errno = saved_errno;
}

static inline int tcs_open_signal_pipe(int *ends) {
  if (ends[0] >= 0) return 0;
  if (pipe(ends) != 0) return -1;
  for (int i = 0; i < 2; i++) {
    fcntl(ends[i], F_SETFL, fcntl(ends[i], F_GETFL) | O_NONBLOCK);
    fcntl(ends[i], F_SETFD, FD_CLOEXEC);
  }
  return 0;
}

// Puts `handler` in place for `signal_number`. Nothing waits for EINTR: other system calls carry on.
static inline int tcs_handle_signal(int signal_number, void (*handler)(int)) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(signal_number, &action, NULL);
}

// Puts 2cs's SIGCONT and SIGWINCH handlers in place. Not libedit's: those redraw and resize the editor from
// whatever thread takes the signal (the main thread, while the reader runs on another), which once freed the
// editor's buffers under the reader.
static inline int tcs_install_terminal_event_handlers(void) {
  if (tcs_open_signal_pipe(tcs_terminal_event_pipe()) != 0) return -1;
  int signals[2] = {SIGCONT, SIGWINCH};
  for (int i = 0; i < 2; i++) {
    if (tcs_handle_signal(signals[i], tcs_on_terminal_event) != 0) return -1;
  }
  return 0;
}

static inline int tcs_install_interrupt_handler(void) {
  if (tcs_open_signal_pipe(tcs_interrupt_pipe()) != 0) return -1;
  if (tcs_install_terminal_event_handlers() != 0) return -1;
  if (tcs_handle_signal(SIGTSTP, tcs_on_suspend) != 0) return -1;
  if (tcs_handle_signal(SIGINT, tcs_on_interrupt) != 0) return -1;
  if (tcs_handle_signal(SIGQUIT, tcs_on_interrupt) != 0) return -1;
  if (tcs_handle_signal(SIGHUP, tcs_on_end) != 0) return -1;
  if (tcs_handle_signal(SIGTERM, tcs_on_end) != 0) return -1;
  // A parent may have started 2cs with SIGINT blocked (the mask is inherited): let at least this thread
  // take it, or Ctrl-C would stay pending and never reach the handler.
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigaddset(&interrupt, SIGQUIT);
  return pthread_sigmask(SIG_UNBLOCK, &interrupt, NULL);
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

// Bytes read ahead of libedit, handed out before the terminal is read again.
struct tcs_read_ahead {
  unsigned char bytes[32];
  int start, end;
};

static inline struct tcs_read_ahead *tcs_read_ahead(void) {
  static struct tcs_read_ahead ahead = {{0}, 0, 0};
  return &ahead;
}

// After an ESC where a single key was expected (a y/n question): a paste's start is handed out again from its
// ESC, so that the paste goes into the line as text rather than run as keys; any other key's sequence is
// dropped.
static inline void tcs_settle_escape_sequence(void) {
  struct tcs_read_ahead *ahead = tcs_read_ahead();
  if (ahead->end == 6 && memcmp(ahead->bytes, "\033[200~", 6) == 0) {
    ahead->start = 0;
  } else {
    ahead->start = ahead->end = 0;
  }
}

// Forgets keys read ahead (after Ctrl-C, which discards what was typed).
static inline void tcs_forget_read_ahead(void) { tcs_read_ahead()->start = tcs_read_ahead()->end = 0; }

// Whether libedit is in its incremental history search (Ctrl-R): it then shows "bck:" or "fwd:" (":" turns
// to "?" when nothing matches) and the pattern on a line of its own after the text.
static inline int tcs_in_search(EditLine *el) {
  const LineInfoW *line = el_wline(el);
  if (line == NULL) return 0;
  const wchar_t *newline = NULL;
  for (const wchar_t *p = line->buffer; p < line->lastchar; p++)
    if (*p == L'\n') newline = p;
  if (newline == NULL || line->lastchar - newline < 5) return 0;
  int direction = wcsncmp(newline + 1, L"bck", 3) == 0 || wcsncmp(newline + 1, L"fwd", 3) == 0;
  return direction && (newline[4] == L':' || newline[4] == L'?');
}

// Where 2cs writes its own escape sequences (bracketed paste on and off, the redraw after `fg`): the stream
// the editor draws on, or -1 when the terminal takes none (TERM=dumb).
static inline int *tcs_escape_output(void) {
  static int descriptor = -1;
  return &descriptor;
}

// Turns the terminal's bracketed paste mode on or off, on the stream the editor draws on (-1: never).
static inline void tcs_set_bracketed_paste(int on) {
  int descriptor = *tcs_escape_output();
  if (descriptor < 0) return;
  const char *sequence = on ? "\033[?2004h" : "\033[?2004l";
  (void)!write(descriptor, sequence, strlen(sequence));
}

// Handles the signals the pipe above reported: after `fg`, the terminal is set for the editor again (the
// shell set it back for itself) and the prompt and the line are drawn anew; after a resize, libedit learns
// the new width.
static inline void tcs_handle_terminal_events(EditLine *el, int reading) {
  unsigned char events[64];
  ssize_t count;
  int continued = 0, resized = 0;
  while ((count = read(tcs_terminal_event_pipe()[0], events, sizeof events)) > 0) {
    for (ssize_t i = 0; i < count; i++) {
      if (events[i] == SIGCONT) continued = 1;
      if (events[i] == SIGWINCH) resized = 1;
    }
  }
  if (resized || continued) el_resize(el);
  // Continued in the background (`kill -STOP`, then `kill -CONT`): the terminal is the shell's, so stop as a
  // program reading there would (SIGTTIN); `fg` continues 2cs again, and its SIGCONT comes back here.
  if (continued && reading && tcs_in_background() && tcs_can_be_stopped()) {
    kill(0, SIGTTIN);
    return;
  }
  if (continued && reading && !tcs_in_background()) {
    // Off, then on: libedit may believe its mode is still set, after a second Ctrl-Z in one line.
    el_set(el, EL_PREP_TERM, 0);
    el_set(el, EL_PREP_TERM, 1);
    tcs_set_bracketed_paste(1);
    // From the start of the row the cursor is on, which may still hold the line (no shell printed anything).
    if (*tcs_escape_output() >= 0) (void)!write(*tcs_escape_output(), "\r\033[K", 4);
    el_set(el, EL_REFRESH);
  }
}

// Waits for input on the terminal (and, if `watch_interrupt`, for Ctrl-C) for at most `timeout` ms, -1 for
// ever. 1: input is ready; 0: time-out; -1: Ctrl-C (errno EINTR) or an error.
static inline int tcs_wait_for_input(EditLine *el, int timeout, int watch_interrupt) {
  for (;;) {
    struct pollfd waits[3] = {
        {STDIN_FILENO, POLLIN, 0}, {tcs_terminal_event_pipe()[0], POLLIN, 0}, {tcs_interrupt_pipe()[0], POLLIN, 0}};
    int ready = poll(waits, watch_interrupt ? 3 : 2, timeout);
    if (ready < 0) {
      if (errno != EINTR) return -1;
      continue;
    }
    if (ready == 0) return 0;
    if (waits[1].revents & POLLIN) {
      tcs_handle_terminal_events(el, 1);
      continue;
    }
    if (watch_interrupt && (waits[2].revents & POLLIN)) {
      errno = EINTR;
      return -1;
    }
    return 1;
  }
}

// After an ESC: reads the rest of the key's sequence (`[D` of Left, `b` of Alt-b), which a terminal sends at
// once, into the read-ahead queue, ESC first.
static inline void tcs_read_escape_sequence(EditLine *el) {
  struct tcs_read_ahead *ahead = tcs_read_ahead();
  ahead->start = 0;
  ahead->end = 0;
  ahead->bytes[ahead->end++] = 0x1B;
  while (ahead->end < (int)sizeof ahead->bytes && tcs_wait_for_input(el, 50, 0) == 1) {
    unsigned char byte;
    if (read(STDIN_FILENO, &byte, 1) != 1) break;
    ahead->bytes[ahead->end++] = byte;
    int introducer = ahead->end == 2 && (byte == '[' || byte == 'O');
    int parameter = ahead->end > 2 && ahead->bytes[1] == '[' && byte >= 0x20 && byte < 0x40;
    if (!introducer && !parameter) break;  // a final byte, or an Alt- key's character
  }
}

// Whether a control sequence in the queue is a key 2cs has no use for, which would otherwise type the tail of
// its sequence into the line: function keys (`ESC [15~`), modified keys other than arrows, Home, End and
// Delete (`ESC [1;2P`, `ESC [5;5~`), xterm's modifyOtherKeys (`ESC [27;5;13~`), kitty's keys (`ESC [13;5u`), mouse
// reports (`ESC [<0;5;5M`). The ends of a paste stay: the paste function reads them.
static inline int tcs_is_unused_key(const unsigned char *bytes, int count) {
  if (count < 3 || bytes[0] != 0x1B || bytes[1] != '[') return 0;
  unsigned char final = bytes[count - 1];
  if (final < 0x40 || final > 0x7E) return 0;  // not a whole sequence: let it through
  char parameters[32];
  int length = count - 3;
  memcpy(parameters, bytes + 2, (size_t)length);
  parameters[length] = 0;
  if (parameters[0] == '<' || final == 'u') return 1;
  if (final == '~') {
    static const char *used[] = {"1", "2", "3", "4", "5", "6", "7", "8", "200", "201"};
    for (size_t i = 0; i < sizeof used / sizeof *used; i++)
      if (strcmp(parameters, used[i]) == 0) return 0;
    return strncmp(parameters, "3;", 2) != 0;  // Delete with a modifier is used
  }
  if (strchr(parameters, ';') != NULL) return strchr("ABCDHF", final) == NULL;
  return 0;
}

// Whether pasted text is being read (see tcs_insert_pasted_text).
static inline int *tcs_pasting(void) {
  static int pasting = 0;
  return &pasting;
}

// libedit's own reader blocks in read() and counts on a Ctrl-C interrupting
// it, so a Ctrl-C that lands just before (while the prompt is drawn or a key
// is handled) is lost. This one waits for a key and for the pipe at once, so
// a Ctrl-C counts whenever it came: then it fails with EINTR and el_gets
// returns NULL with count -1.
// In the Ctrl-R search, Ctrl-C first leaves the search as ^G does (libedit would otherwise end the whole
// input, as at Ctrl-D); the Ctrl-C, still pending, then ends the line.
static inline int tcs_read_character(EditLine *el, wchar_t *character) {
  struct tcs_read_ahead *ahead = tcs_read_ahead();
  *character = 0;
  if (ahead->start < ahead->end) {
    *character = ahead->bytes[ahead->start++];
    return 1;
  }
  char bytes[MB_LEN_MAX];
  size_t count = 0;
  for (;;) {
    // During a paste, a second of silence is said with a NUL: the text so far is shown, so a paste whose end
    // is slow to come (or never comes) does not look hung.
    int waited = tcs_wait_for_input(el, *tcs_pasting() ? 1000 : -1, 1);
    if (waited == 0) return 1;
    if (waited < 0) {
      if (errno == EINTR && tcs_in_search(el)) {
        *character = 0x07;
        return 1;
      }
      return -1;
    }
    // In the background (after `kill -STOP`, `kill -CONT`), what is typed is the shell's: stop, as a read would
    // (SIGTTIN), but here, so that after `fg` the wait above sees SIGCONT and draws the line again.
    if (tcs_in_background() && tcs_can_be_stopped()) {
      kill(0, SIGTTIN);
      continue;
    }
    ssize_t got = read(STDIN_FILENO, bytes + count, 1);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return (int)got;
    if (count == 0 && bytes[0] == 0x1B) {
      tcs_read_escape_sequence(el);
      if (tcs_is_unused_key(ahead->bytes, ahead->end)) {
        tcs_forget_read_ahead();
        continue;
      }
      // In the search, the first ESC only ends it; the whole sequence, queued, then reaches the editor, so Left
      // moves the cursor in the line found rather than `[D` being typed.
      // A lone ESC only ends the search: it is not handed out twice (it would make the next key an Alt- key).
      if (!tcs_in_search(el) || ahead->end == 1) ahead->start = 1;
      *character = 0x1B;
      return 1;
    }
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

// Bracketed paste: the terminal wraps pasted text in ESC [200~ … ESC [201~, and this function, bound to the
// opening sequence, puts the text into the line as it is. A TAB in it is text, not completion, and its line
// breaks stay in the line, so a pasted block runs as a whole when Enter is pressed.
static inline unsigned char tcs_insert_pasted_text(EditLine *el, int key) {
  (void)key;
  static const wchar_t end_marker[] = L"\033[201~";
  wchar_t text[256];
  size_t length = 0, matched = 0;
  int after_carriage_return = 0;
  for (;;) {
    wchar_t character;
    *tcs_pasting() = 1;
    int got = el_wgetc(el, &character);
    *tcs_pasting() = 0;
    if (got != 1) return CC_EOF;  // Ctrl-C, or the input ended
    if (character == 0) {          // silence: show what came so far, and wait on for the rest
      text[length] = 0;
      if (length > 0 && el_winsertstr(el, text) != 0) return CC_ERROR;
      length = 0;
      el_set(el, EL_REFRESH);
      continue;
    }
    if (character == end_marker[matched]) {
      if (end_marker[++matched] == 0) break;
      continue;
    }
    // What looked like the start of the end marker was text; put it back in front of this character.
    wchar_t pending[8];
    size_t pending_count = 0;
    for (size_t i = 0; i < matched; i++) pending[pending_count++] = end_marker[i];
    matched = 0;
    if (character == end_marker[0]) {
      matched = 1;
    } else {
      pending[pending_count++] = character;
    }
    for (size_t i = 0; i < pending_count; i++) {
      wchar_t next = pending[i];
      if (next == L'\n' && after_carriage_return) {  // CR LF: one line break
        after_carriage_return = 0;
        continue;
      }
      after_carriage_return = next == L'\r';
      if (next == L'\r') next = L'\n';
      if (next < 0x20 && next != L'\t' && next != L'\n') continue;  // a NUL would end the text early
      text[length++] = next;
      if (length == sizeof text / sizeof *text - 1) {
        text[length] = 0;
        if (el_winsertstr(el, text) != 0) return CC_ERROR;
        length = 0;
      }
    }
  }
  text[length] = 0;
  if (length > 0 && el_winsertstr(el, text) != 0) return CC_ERROR;
  return CC_REFRESH;
}

static inline int tcs_el_bind_bracketed_paste(EditLine *el) {
  if (el_set(el, EL_ADDFN, "tcs-paste", "insert pasted text as it is", tcs_insert_pasted_text) != 0) return -1;
  return el_set(el, EL_BIND, "\\e[200~", "tcs-paste", NULL);
}

static inline int tcs_el_read_interruptibly(EditLine *el) { return el_set(el, EL_GETCFN, tcs_read_character); }

// The reading thread may be a pool thread that blocks signals. It unblocks Ctrl-C's (so a parent that started
// 2cs with them blocked cannot keep them from the handler) while it reads.
static inline sigset_t *tcs_saved_mask(void) {
  static sigset_t saved;
  return &saved;
}

// SIGTTIN and SIGTTOU too: with them blocked, a read from the terminal while 2cs is in the background fails
// (EIO), which would read as the end of input, rather than stop 2cs until `fg`.
static inline void tcs_begin_reading(void) {
  sigset_t interrupt;
  sigemptyset(&interrupt);
  sigaddset(&interrupt, SIGINT);
  sigaddset(&interrupt, SIGQUIT);
  sigaddset(&interrupt, SIGTTIN);
  sigaddset(&interrupt, SIGTTOU);
  pthread_sigmask(SIG_UNBLOCK, &interrupt, tcs_saved_mask());
}

static inline void tcs_end_reading(void) { pthread_sigmask(SIG_SETMASK, tcs_saved_mask(), NULL); }

#endif
