/*
 * The IUT runner (sim/iut.h): one child process started through /bin/sh -c
 * in its own process group, spoken to in JSON Lines over three pipes.
 *
 * Every wait is a poll() with the request's deadline, and every read is
 * non-blocking: stdout is collected into a line buffer (an answer may come
 * in pieces), stderr is copied to the log line by line with a prefix as it
 * arrives, so the child never blocks on a full pipe and we never block on a
 * child. A failed request stops the whole process group (SIGTERM, a short
 * grace, SIGKILL) and reaps the child; the next request starts it again.
 */
#define _POSIX_C_SOURCE 200809L
#include "iut.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/json.h"

#define IUT_MAX_LINE (16u << 20)  /* longest answer line accepted */
#define IUT_LOG_LINE 4096u        /* stderr is copied in lines of at most this */
#define IUT_DEAD_STARTS 3u        /* starts in a row without an answer: give up */
#define IUT_TERM_GRACE_MS 200     /* SIGTERM to SIGKILL */
#define IUT_STOP_WAIT_MS 1000     /* stdin closed to kill, at the end of a run */
#define IUT_EXIT_WAIT_MS 1000     /* stdout closed to the exit status */
#define IUT_EXCERPT 80            /* bytes of a bad answer quoted in messages */
#define QUOTE_SIZE 192            /* room for them, escaped, in a message */

typedef struct linebuf {
  char *buf;
  size_t len, cap;
} linebuf;

struct sbv_iut {
  char *cmd;
  int timeout_ms;
  FILE *log;
  long max_fd; /* closed in the child from 3 up to this */
  pid_t pid;   /* 0: not running */
  int in_fd, out_fd, err_fd; /* -1: closed */
  bool exited;               /* the child has exited (not reaped yet) */
  char exit_desc[96];        /* "exited with status 3", "killed by signal 11 (...)" */
  linebuf out, err;
  long next_id;
  unsigned answered;    /* well-formed answers from the current process */
  unsigned dead_starts; /* consecutive starts that never answered */
  char last_err[128];   /* last non-empty stderr line of the child */
};

/* ---- small helpers ------------------------------------------------------- */

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

static bool lb_append(linebuf *b, const char *data, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *bigger = realloc(b->buf, cap);
    if (!bigger) return false;
    b->buf = bigger;
    b->cap = cap;
  }
  memcpy(b->buf + b->len, data, n);
  b->len += n;
  b->buf[b->len] = '\0';
  return true;
}

static void lb_consume(linebuf *b, size_t n) {
  if (n == 0) return;
  memmove(b->buf, b->buf + n, b->len - n);
  b->len -= n;
  b->buf[b->len] = '\0';
}

/* Up to IUT_EXCERPT bytes of `s` for a message: printable ASCII as is,
 * anything else as \xNN, "..." when cut. */
static void excerpt(const char *s, size_t len, char *out, size_t cap) {
  static const char hex[] = "0123456789abcdef";
  size_t k = 0, n = len < IUT_EXCERPT ? len : IUT_EXCERPT;
  for (size_t i = 0; i < n && k + 5 < cap; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f) {
      out[k++] = (char)c;
    } else {
      out[k++] = '\\';
      out[k++] = 'x';
      out[k++] = hex[c >> 4];
      out[k++] = hex[c & 15];
    }
  }
  if (n < len && k + 4 <= cap) {
    memcpy(out + k, "...", 3);
    k += 3;
  }
  out[k < cap ? k : cap - 1] = '\0';
}

/* ---- the answer line ------------------------------------------------------ */

int sbv_iut_parse_answer(const char *line, size_t len, long want_id, sbv_answer *ans,
                         char why[SBV_MSG_SIZE]) {
  memset(ans, 0, sizeof *ans);
  why[0] = '\0';
  char quote[QUOTE_SIZE];
  excerpt(line ? line : "", line ? len : 0, quote, sizeof quote);
  cJSON *root = NULL;
  int rc = line ? sb_json_parse((const uint8_t *)line, len, true, &root) : SB_ERR_JSON;
  if (rc != SB_OK) {
    snprintf(why, SBV_MSG_SIZE, "answer is %s: %s",
             rc == SB_ERR_UTF8 ? "not valid UTF-8" : "not JSON", quote);
    return -1;
  }
  int status = -1;
  const cJSON *id = sb_json_get(root, "id");
  const cJSON *result = sb_json_get(root, "result");
  const cJSON *output = sb_json_get(root, "output");
  sbv_result r;
  if (!cJSON_IsObject(root)) {
    snprintf(why, SBV_MSG_SIZE, "answer is not a JSON object: %s", quote);
  } else if (!id) {
    snprintf(why, SBV_MSG_SIZE, "answer has no id: %s", quote);
  } else if (!cJSON_IsNumber(id) || id->valuedouble != (double)want_id) {
    char *text = sb_json_print(id), shown[QUOTE_SIZE];
    excerpt(text ? text : "?", text ? strlen(text) : 1, shown, sizeof shown);
    cJSON_free(text);
    snprintf(why, SBV_MSG_SIZE, "answer has id %s, expected %ld", shown, want_id);
  } else if (!cJSON_IsString(result)) {
    snprintf(why, SBV_MSG_SIZE, "answer.result is missing or not a string: %s", quote);
  } else if (!sbv_result_parse(result->valuestring, &r)) {
    char shown[QUOTE_SIZE];
    excerpt(result->valuestring, strlen(result->valuestring), shown, sizeof shown);
    snprintf(why, SBV_MSG_SIZE, "answer.result \"%s\" is not valid, invalid or unsupported", shown);
  } else if (r != SBV_UNSUPPORTED && output && !cJSON_IsObject(output)) {
    snprintf(why, SBV_MSG_SIZE, "answer.output is not a JSON object: %s", quote);
  } else {
    ans->result = r;
    /* An unsupported answer's other members (error, output) are ignored. */
    if (r != SBV_UNSUPPORTED && output) {
      ans->output = cJSON_Duplicate(output, 1);
      if (!ans->output) snprintf(why, SBV_MSG_SIZE, "out of memory");
    }
    status = ans->output || r == SBV_UNSUPPORTED || !output ? 0 : -1;
  }
  cJSON_Delete(root);
  return status;
}

/* ---- the child's stderr ------------------------------------------------- */

static void log_line(sbv_iut *t, const char *s, size_t n, bool cut) {
  while (n && (s[n - 1] == '\r')) n--;
  fprintf(t->log, "iut[%ld]: %.*s%s\n", (long)t->pid, (int)n, s, cut ? " [...]" : "");
  if (n) {
    size_t k = n < sizeof t->last_err - 1 ? n : sizeof t->last_err - 1;
    memcpy(t->last_err, s, k);
    t->last_err[k] = '\0';
  }
}

/* Copy complete lines of the stderr buffer to the log (all of it if `all`). */
static void flush_err(sbv_iut *t, bool all) {
  linebuf *b = &t->err;
  size_t start = 0;
  for (;;) {
    char *nl = b->len > start ? memchr(b->buf + start, '\n', b->len - start) : NULL;
    if (nl) {
      log_line(t, b->buf + start, (size_t)(nl - (b->buf + start)), false);
      start = (size_t)(nl - b->buf) + 1;
    } else if (b->len - start >= IUT_LOG_LINE || (all && b->len > start)) {
      size_t n = b->len - start < IUT_LOG_LINE ? b->len - start : IUT_LOG_LINE;
      log_line(t, b->buf + start, n, !all || n == IUT_LOG_LINE);
      start += n;
    } else {
      break;
    }
  }
  lb_consume(b, start);
  fflush(t->log);
}

/* One non-blocking read of `*fd` into `b`: 1 data, 0 nothing now, -1 EOF
 * (the fd is then closed). */
static int read_some(int *fd, linebuf *b) {
  char chunk[65536];
  ssize_t n = read(*fd, chunk, sizeof chunk);
  if (n > 0) return lb_append(b, chunk, (size_t)n) ? 1 : -1;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
  close_fd(fd);
  return -1;
}

/* Read stderr until it would block (at most 1 MiB, so a child that never
 * stops writing cannot keep us from our deadline); copy its lines to the log. */
static void drain_err(sbv_iut *t) {
  for (int i = 0; i < 16 && t->err_fd >= 0 && read_some(&t->err_fd, &t->err) > 0; i++)
    flush_err(t, false);
  flush_err(t, t->err_fd < 0);
}

/* ---- starting and stopping ------------------------------------------------ */

static int set_flags(int fd, bool nonblock) {
  int fl = fcntl(fd, F_GETFD);
  if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) return -1;
  if (!nonblock) return 0;
  fl = fcntl(fd, F_GETFL);
  return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(const sbv_iut *t, int in, int out, int err) {
  setpgid(0, 0);
  /* Move the pipe ends above 2 first, so no dup2 overwrites another. */
  int a = fcntl(in, F_DUPFD, 3), b = fcntl(out, F_DUPFD, 3), c = fcntl(err, F_DUPFD, 3);
  if (a < 0 || b < 0 || c < 0 || dup2(a, 0) < 0 || dup2(b, 1) < 0 || dup2(c, 2) < 0) _exit(127);
  for (long fd = 3; fd < t->max_fd; fd++) close((int)fd);
  /* We ignore SIGPIPE; the implementation gets the default back. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execl("/bin/sh", "sh", "-c", t->cmd, (char *)NULL);
  _exit(127);
}

/* The process group of the running implementation, for the interrupt
 * handler: it runs in its own group (so a failure can stop its children
 * too), which also means a Ctrl-C at the terminal no longer reaches it. */
static volatile sig_atomic_t running_group;

static void on_interrupt(int sig) {
  pid_t g = (pid_t)running_group;
  if (g > 0) kill(-g, SIGTERM);
  signal(sig, SIG_DFL);
  raise(sig);
}

static int spawn(sbv_iut *t, char *err, size_t errcap) {
  int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
  if (pipe(in) || pipe(out) || pipe(er) || set_flags(in[0], false) || set_flags(in[1], true) ||
      set_flags(out[0], true) || set_flags(out[1], false) || set_flags(er[0], true) ||
      set_flags(er[1], false)) {
    snprintf(err, errcap, "cannot create pipes: %s", strerror(errno));
    for (int i = 0; i < 2; i++) close_fd(&in[i]), close_fd(&out[i]), close_fd(&er[i]);
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(err, errcap, "cannot fork: %s", strerror(errno));
    for (int i = 0; i < 2; i++) close_fd(&in[i]), close_fd(&out[i]), close_fd(&er[i]);
    return -1;
  }
  if (pid == 0) exec_child(t, in[0], out[1], er[1]);
  setpgid(pid, pid); /* also here: no race with a kill(-pid) below */
  running_group = (sig_atomic_t)pid;
  close_fd(&in[0]);
  close_fd(&out[1]);
  close_fd(&er[1]);
  t->pid = pid;
  t->in_fd = in[1];
  t->out_fd = out[0];
  t->err_fd = er[0];
  t->exited = false;
  t->exit_desc[0] = '\0';
  t->out.len = t->err.len = 0;
  t->answered = 0;
  t->last_err[0] = '\0';
  return 0;
}

static void describe_exit(sbv_iut *t, int code, int status) {
  if (code == CLD_EXITED && status > 128 && status < 128 + 65)
    /* A shell reports a child killed by signal N as 128 + N. */
    snprintf(t->exit_desc, sizeof t->exit_desc, "exited with status %d (128 + signal %d: %s)",
             status, status - 128, strsignal(status - 128));
  else if (code == CLD_EXITED)
    snprintf(t->exit_desc, sizeof t->exit_desc, "exited with status %d%s", status,
             status == 127 ? " (command not found?)" : "");
  else if (code == CLD_KILLED || code == CLD_DUMPED)
    snprintf(t->exit_desc, sizeof t->exit_desc, "killed by signal %d (%s)", status,
             strsignal(status));
  else
    snprintf(t->exit_desc, sizeof t->exit_desc, "stopped");
}

/* Wait up to `ms` for the child to exit, without reaping it (its process
 * group stays ours to signal), copying stderr and discarding stdout
 * meanwhile when `discard_out`. true once it has exited. */
static bool wait_exit(sbv_iut *t, int ms, bool discard_out) {
  long long deadline = now_ms() + ms;
  for (;;) {
    if (!t->exited) {
      siginfo_t si;
      memset(&si, 0, sizeof si);
      int rc = waitid(P_PID, (id_t)t->pid, &si, WEXITED | WNOHANG | WNOWAIT);
      if (rc == 0 && si.si_pid == t->pid) {
        t->exited = true;
        describe_exit(t, si.si_code, si.si_status);
      } else if (rc < 0 && errno == ECHILD) {
        t->exited = true; /* reaped elsewhere: nothing left to wait for */
        snprintf(t->exit_desc, sizeof t->exit_desc, "exited");
      }
    }
    long long left = deadline - now_ms();
    if (t->exited || left <= 0) {
      drain_err(t);
      return t->exited;
    }
    struct pollfd p[2];
    nfds_t n = 0;
    if (t->err_fd >= 0) p[n++] = (struct pollfd){.fd = t->err_fd, .events = POLLIN};
    if (discard_out && t->out_fd >= 0) p[n++] = (struct pollfd){.fd = t->out_fd, .events = POLLIN};
    if (n == 0) {
      struct timespec ts = {0, 5 * 1000000L};
      nanosleep(&ts, NULL);
      continue;
    }
    /* Short steps: an exit is not an event on these fds. */
    if (poll(p, n, left < 10 ? (int)left : 10) > 0) {
      drain_err(t);
      if (discard_out && t->out_fd >= 0) {
        for (int i = 0; i < 16 && read_some(&t->out_fd, &t->out) > 0; i++) t->out.len = 0;
        t->out.len = 0;
      }
    }
  }
}

/* Stop the child's whole process group (SIGTERM, `grace_ms`, SIGKILL) and
 * reap it; its last stderr goes to the log. */
static void end_child(sbv_iut *t, int grace_ms) {
  if (!t->pid) return;
  close_fd(&t->in_fd);
  if (!t->exited) {
    kill(-t->pid, SIGTERM);
    wait_exit(t, grace_ms, true);
  }
  /* Whatever is left of the group; the unreaped leader keeps its id ours. */
  kill(-t->pid, SIGKILL);
  int st;
  while (waitpid(t->pid, &st, 0) < 0 && errno == EINTR) {
  }
  drain_err(t);
  flush_err(t, true);
  close_fd(&t->out_fd);
  close_fd(&t->err_fd);
  t->pid = 0;
  t->out.len = t->err.len = 0;
}

sbv_iut *sbv_iut_start(const char *cmd, int timeout_ms, FILE *log, char *err, size_t errcap) {
  if (!cmd || !*cmd) {
    snprintf(err, errcap, "no command given");
    return NULL;
  }
  sbv_iut *t = calloc(1, sizeof *t);
  if (!t || !(t->cmd = strdup(cmd))) {
    free(t);
    snprintf(err, errcap, "out of memory");
    return NULL;
  }
  /* A dead reader must give EPIPE on write, not kill the suite. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);
  /* Ctrl-C or a kill of sbconf takes the implementation down with it. */
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  t->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
  t->log = log ? log : stderr;
  long max = sysconf(_SC_OPEN_MAX);
  t->max_fd = max < 0 || max > 65536 ? 65536 : max;
  t->in_fd = t->out_fd = t->err_fd = -1;
  t->next_id = 1;
  if (spawn(t, err, errcap) != 0) {
    free(t->cmd);
    free(t);
    return NULL;
  }
  return t;
}

void sbv_iut_stop(sbv_iut *t) {
  if (!t) return;
  if (t->pid) {
    close_fd(&t->in_fd); /* end of input: a well-behaved adapter exits now */
    wait_exit(t, IUT_STOP_WAIT_MS, true);
    end_child(t, IUT_TERM_GRACE_MS);
  }
  running_group = 0;
  free(t->out.buf);
  free(t->err.buf);
  free(t->cmd);
  free(t);
}

long sbv_iut_pid(const sbv_iut *t) { return t && t->pid ? (long)t->pid : 0; }

/* ---- one request --------------------------------------------------------- */

typedef enum wait_result { GOT_LINE, TIMED_OUT, NOT_READ, CLOSED, TOO_LONG, NO_MEMORY } wait_result;

/* A complete line from the stdout buffer into `*line` (malloc'd), blank
 * lines skipped; at EOF an unterminated rest counts as a line. */
static bool take_line(sbv_iut *t, char **line, size_t *len) {
  for (;;) {
    linebuf *b = &t->out;
    char *nl = b->len ? memchr(b->buf, '\n', b->len) : NULL;
    if (!nl && !(t->out_fd < 0 && b->len)) return false;
    size_t n = nl ? (size_t)(nl - b->buf) : b->len, used = nl ? n + 1 : n;
    while (n && (b->buf[n - 1] == '\r' || b->buf[n - 1] == ' ' || b->buf[n - 1] == '\t')) n--;
    if (n == 0) {
      lb_consume(b, used);
      continue;
    }
    *line = malloc(n + 1);
    if (!*line) return false;
    memcpy(*line, b->buf, n);
    (*line)[n] = '\0';
    *len = n;
    lb_consume(b, used);
    return true;
  }
}

/* Send `req` and wait for one answer line until `deadline`. */
static wait_result exchange(sbv_iut *t, const char *req, size_t reqlen, long long deadline,
                            char **line, size_t *len) {
  size_t sent = 0;
  for (;;) {
    if (sent == reqlen && take_line(t, line, len)) return GOT_LINE;
    if (sent == reqlen && t->out_fd < 0) return CLOSED;
    if (t->out.len > IUT_MAX_LINE) return TOO_LONG;
    long long left = deadline - now_ms();
    if (left <= 0) return sent < reqlen ? NOT_READ : TIMED_OUT;
    struct pollfd p[3];
    nfds_t n = 0;
    int pin = -1, pout = -1, perr = -1;
    if (sent < reqlen && t->in_fd >= 0) {
      pin = (int)n;
      p[n++] = (struct pollfd){.fd = t->in_fd, .events = POLLOUT};
    }
    if (t->out_fd >= 0) {
      pout = (int)n;
      p[n++] = (struct pollfd){.fd = t->out_fd, .events = POLLIN};
    }
    if (t->err_fd >= 0) {
      perr = (int)n;
      p[n++] = (struct pollfd){.fd = t->err_fd, .events = POLLIN};
    }
    if (sent < reqlen && t->in_fd < 0) sent = reqlen; /* stdin gone: wait for the end */
    if (n == 0) return CLOSED;
    int rc = poll(p, n, left > 1000000 ? 1000000 : (int)left);
    if (rc < 0 && errno != EINTR) return CLOSED;
    if (rc <= 0) continue;
    if (pin >= 0 && p[pin].revents) {
      ssize_t w = write(t->in_fd, req + sent, reqlen - sent);
      if (w > 0) {
        sent += (size_t)w;
      } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        close_fd(&t->in_fd); /* EPIPE: the child closed its stdin (or died) */
        sent = reqlen;
      }
    }
    if (pout >= 0 && p[pout].revents && read_some(&t->out_fd, &t->out) < 0 && t->out_fd >= 0)
      return NO_MEMORY;
    if (perr >= 0 && p[perr].revents) drain_err(t);
  }
}

/* After a failure: note it in the log, stop the child, count a dead start. */
static int fail(sbv_iut *t, long id, char msg[SBV_MSG_SIZE]) {
  bool never_answered = t->answered == 0;
  drain_err(t); /* its last words first, then ours */
  fprintf(t->log, "iut: request %ld: %s; stopping pid %ld\n", id, msg, (long)t->pid);
  end_child(t, IUT_TERM_GRACE_MS);
  if (!never_answered) {
    t->dead_starts = 0;
    return -2;
  }
  if (++t->dead_starts < IUT_DEAD_STARTS) return -2;
  char last[SBV_MSG_SIZE];
  snprintf(last, sizeof last, "%s", msg);
  snprintf(msg, SBV_MSG_SIZE, "the implementation failed right after each of %u starts in a row (%.110s); command: %.60s",
           IUT_DEAD_STARTS, last, t->cmd);
  return -3;
}

static int iut_ask(void *ctx, const char *type, const cJSON *input, sbv_answer *ans,
                   char msg[SBV_MSG_SIZE]) {
  sbv_iut *t = ctx;
  memset(ans, 0, sizeof *ans);
  msg[0] = '\0';
  if (!t->pid) {
    char err[SBV_MSG_SIZE - 64];
    fprintf(t->log, "iut: restarting: %s\n", t->cmd);
    if (spawn(t, err, sizeof err) != 0) {
      snprintf(msg, SBV_MSG_SIZE, "cannot restart the implementation: %s", err);
      return -3;
    }
  }
  long id = t->next_id++;
  cJSON *req = cJSON_CreateObject();
  cJSON *in = input ? cJSON_Duplicate(input, 1) : cJSON_CreateObject();
  cJSON_AddNumberToObject(req, "id", (double)id);
  cJSON_AddStringToObject(req, "type", type ? type : "");
  cJSON_AddItemToObject(req, "input", in);
  char *text = cJSON_PrintUnformatted(req);
  cJSON_Delete(req);
  size_t tlen = text ? strlen(text) : 0;
  char *line = NULL, *reqline = text ? malloc(tlen + 2) : NULL;
  if (!reqline) {
    cJSON_free(text);
    snprintf(msg, SBV_MSG_SIZE, "out of memory");
    return -3;
  }
  memcpy(reqline, text, tlen);
  memcpy(reqline + tlen, "\n", 2);
  cJSON_free(text);
  size_t len = 0;
  wait_result w = exchange(t, reqline, tlen + 1, now_ms() + t->timeout_ms, &line, &len);
  free(reqline);
  if (w == GOT_LINE) {
    int rc = sbv_iut_parse_answer(line, len, id, ans, msg);
    free(line);
    if (rc == 0) {
      t->answered++;
      t->dead_starts = 0;
      return 0;
    }
    return fail(t, id, msg);
  }
  char partial[QUOTE_SIZE] = "";
  if (t->out.len) excerpt(t->out.buf, t->out.len, partial, sizeof partial);
  switch (w) {
    case TIMED_OUT:
      if (partial[0])
        snprintf(msg, SBV_MSG_SIZE, "no answer within %d ms (%zu bytes without a newline: %s)",
                 t->timeout_ms, t->out.len, partial);
      else
        snprintf(msg, SBV_MSG_SIZE, "no answer within %d ms", t->timeout_ms);
      break;
    case NOT_READ:
      snprintf(msg, SBV_MSG_SIZE, "did not read the request within %d ms", t->timeout_ms);
      break;
    case TOO_LONG:
      snprintf(msg, SBV_MSG_SIZE, "answer line longer than %u MiB", IUT_MAX_LINE >> 20);
      break;
    case NO_MEMORY:
      snprintf(msg, SBV_MSG_SIZE, "out of memory reading the answer");
      break;
    default: {
      /* stdout closed: most likely the process ended; say how. */
      bool gone = wait_exit(t, IUT_EXIT_WAIT_MS, false);
      char err_note[sizeof t->last_err + 16] = "";
      if (t->last_err[0]) snprintf(err_note, sizeof err_note, " (stderr: %s)", t->last_err);
      snprintf(msg, SBV_MSG_SIZE, "%s before answering%s",
               gone ? t->exit_desc : "closed its stdout", err_note);
      break;
    }
  }
  return fail(t, id, msg);
}

sbv_engine sbv_iut_engine(sbv_iut *iut) { return (sbv_engine){"iut", iut_ask, iut}; }
