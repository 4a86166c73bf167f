/*
 * The IUT runner against misbehaving adapters (the scripts in sim/testdata/iut, run
 * from the repository root): each failure is reported against its request
 * with a message that says what happened, and the run goes on with a
 * restarted command; a command that never answers stops the run (-3).
 */
#define _POSIX_C_SOURCE 200809L
#include "iut.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test/sbt.h"

#define FIXTURES "sim/testdata/iut/"

static long long elapsed_ms(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)(now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Not our child any more: waited for, so no zombie of ours is left. */
static bool reaped(long pid) { return waitpid((pid_t)pid, NULL, WNOHANG) < 0 && errno == ECHILD; }

/* Start fixture `script` (with `args`), its stderr and our notes into `log`. */
static sbv_iut *start_fixture(const char *script, const char *args, int timeout_ms, FILE *log) {
  char path[256], cmd[512], err[256] = "";
  snprintf(path, sizeof path, FIXTURES "%s", script);
  if (access(path, R_OK) != 0) {
    SBT_CHECK(false, "%s missing: run the tests from the repository root", path);
    return NULL;
  }
  snprintf(cmd, sizeof cmd, "exec sh %s%s%s", path, args ? " " : "", args ? args : "");
  sbv_iut *t = sbv_iut_start(cmd, timeout_ms, log, err, sizeof err);
  SBT_CHECK(t != NULL, "sbv_iut_start(%s): %s", cmd, err);
  return t;
}

/* One events.validate request; the answer is cleared, rc returned. */
static int ask(sbv_iut *t, const char *name, sbv_result *result, char msg[SBV_MSG_SIZE]) {
  sbv_engine e = sbv_iut_engine(t);
  cJSON *input = cJSON_CreateObject();
  cJSON_AddStringToObject(input, "name", name);
  sbv_answer a;
  int rc = e.ask(e.ctx, "events.validate", input, &a, msg);
  cJSON_Delete(input);
  if (result) *result = a.result;
  sbv_answer_clear(&a);
  return rc;
}

static void expect_answered(sbv_iut *t, const char *what) {
  char msg[SBV_MSG_SIZE] = "";
  int rc = ask(t, "a.b", NULL, msg);
  SBT_CHECK(rc == 0, "%s: rc %d (%s), want an answer", what, rc, msg);
}

static void expect_failure(sbv_iut *t, int want_rc, const char *want_msg) {
  char msg[SBV_MSG_SIZE] = "";
  int rc = ask(t, "a.b", NULL, msg);
  SBT_CHECK(rc == want_rc, "rc %d (%s), want %d", rc, msg, want_rc);
  SBT_CHECK(strstr(msg, want_msg) != NULL, "message \"%s\" lacks \"%s\"", msg, want_msg);
}

/* The whole log written so far (heap string). */
static char *log_text(FILE *log) {
  fflush(log);
  long n = ftell(log);
  char *s = calloc(1, n > 0 ? (size_t)n + 1 : 1);
  rewind(log);
  if (s && n > 0 && fread(s, 1, (size_t)n, log) != (size_t)n) s[0] = '\0';
  fseek(log, 0, SEEK_END);
  return s;
}

static unsigned count(const char *hay, const char *needle) {
  unsigned n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* ---- sbv_iut_parse_answer (pure) ------------------------------------------ */

static int parse(const char *line, long id, sbv_answer *a, char why[SBV_MSG_SIZE]) {
  return sbv_iut_parse_answer(line, strlen(line), id, a, why);
}

static void parse_answer_takes_each_result_and_its_output(void) {
  sbv_answer a;
  char why[SBV_MSG_SIZE];
  SBT_EQ_U64(parse("{\"id\":7,\"result\":\"valid\",\"output\":{\"sid\":\"AAAAAAAAAAE\"}}", 7, &a, why), 0);
  SBT_EQ_U64(a.result, SBV_VALID);
  SBT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(a.output, "sid")), "AAAAAAAAAAE");
  sbv_answer_clear(&a);
  SBT_EQ_U64(parse("{\"result\":\"invalid\",\"output\":{\"error\":\"invalid_sid\"},\"id\":8}", 8, &a, why), 0);
  SBT_EQ_U64(a.result, SBV_INVALID);
  SBT_STR_EQ(cJSON_GetStringValue(cJSON_GetObjectItem(a.output, "error")), "invalid_sid");
  sbv_answer_clear(&a);
  /* valid with nothing to say (events.validate); unsupported with a reason */
  SBT_EQ_U64(parse("{\"id\":9,\"result\":\"valid\"}", 9, &a, why), 0);
  SBT_CHECK(a.result == SBV_VALID && a.output == NULL, "valid without output");
  SBT_EQ_U64(parse("{\"id\":10,\"result\":\"unsupported\",\"error\":\"no crypto\",\"output\":[]}", 10, &a, why), 0);
  SBT_CHECK(a.result == SBV_UNSUPPORTED && a.output == NULL, "unsupported ignores the rest");
}

static void expect_refused_n(const char *line, size_t len, long id, const char *want) {
  sbv_answer a;
  char why[SBV_MSG_SIZE] = "";
  int rc = sbv_iut_parse_answer(line, len, id, &a, why);
  SBT_CHECK(rc == -1 && a.output == NULL, "%s: rc %d, want -1", want, rc);
  SBT_STR_EQ(why, want);
  sbv_answer_clear(&a);
}

static void expect_refused(const char *line, long id, const char *want) {
  expect_refused_n(line, strlen(line), id, want);
}

static void parse_answer_says_what_is_wrong_with_a_line(void) {
  expect_refused("hello", 1, "answer is not JSON: hello");
  expect_refused("{\"id\":1,\"result\":\"valid\"} x", 1,
                 "answer is not JSON: {\"id\":1,\"result\":\"valid\"} x");
  expect_refused("\x1b[31mred\x1b[0m", 1, "answer is not JSON: \\x1b[31mred\\x1b[0m");
  expect_refused("{\"id\":1,\"result\":\"\xff\"}", 1,
                 "answer is not valid UTF-8: {\"id\":1,\"result\":\"\\xff\"}");
  expect_refused_n("{\"id\":1}\0{}", 11, 1, "answer is not JSON: {\"id\":1}\\x00{}");
  expect_refused("[1]", 1, "answer is not a JSON object: [1]");
  expect_refused("{\"result\":\"valid\"}", 1, "answer has no id: {\"result\":\"valid\"}");
  expect_refused("{\"id\":2,\"result\":\"valid\"}", 1, "answer has id 2, expected 1");
  expect_refused("{\"id\":\"1\",\"result\":\"valid\"}", 1, "answer has id \"1\", expected 1");
  expect_refused("{\"id\":1.5,\"result\":\"valid\"}", 1, "answer has id 1.5, expected 1");
  expect_refused("{\"id\":1}", 1, "answer.result is missing or not a string: {\"id\":1}");
  expect_refused("{\"id\":1,\"result\":\"pass\"}", 1,
                 "answer.result \"pass\" is not valid, invalid or unsupported");
  expect_refused("{\"id\":1,\"result\":\"invalid\",\"output\":\"malformed_frame\"}", 1,
                 "answer.output is not a JSON object: {\"id\":1,\"result\":\"invalid\",\"output\":\"malformed_frame\"}");
  expect_refused("", 1, "answer is not JSON: ");
}

static void parse_answer_quotes_at_most_80_bytes(void) {
  char line[300], want[120];
  memset(line, 'g', sizeof line - 1);
  line[sizeof line - 1] = '\0';
  snprintf(want, sizeof want, "answer is not JSON: %.80s...", line);
  expect_refused(line, 1, want);
}

/* ---- against processes ----------------------------------------------------- */

static void iut_reference_adapter_answers_every_request(void) {
  const char *bin = getenv("SBCONF") ? getenv("SBCONF") : "build/sbconf";
  if (access(bin, X_OK) != 0) {
    SBT_CHECK(false, "%s not built (make all) or not run from the repository root", bin);
    return;
  }
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("correct.sh", NULL, 5000, log);
  if (!t) return;
  long pid = sbv_iut_pid(t);
  sbv_result r;
  char msg[SBV_MSG_SIZE];
  SBT_EQ_U64(ask(t, "a.b", &r, msg), 0);
  SBT_EQ_U64(r, SBV_VALID);
  SBT_EQ_U64(ask(t, "a.*", &r, msg), 0); /* a wildcard in a name: EVT-PAT-006 */
  SBT_EQ_U64(r, SBV_INVALID);
  for (int i = 0; i < 50; i++) expect_answered(t, "request 3..52");
  SBT_CHECK(sbv_iut_pid(t) == pid, "one process for the whole run");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sbv_iut_stop(t);
  SBT_CHECK(elapsed_ms(&t0) < 900, "a well-behaved adapter stops at end of input (%lld ms)",
            elapsed_ms(&t0));
  SBT_CHECK(reaped(pid), "pid %ld reaped", pid);
  fclose(log);
}

static void iut_crash_is_reported_and_the_command_restarted(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("crash3.sh", NULL, 5000, log);
  if (!t) return;
  long first = sbv_iut_pid(t);
  expect_answered(t, "request 1");
  expect_answered(t, "request 2");
  expect_failure(t, -2, "killed by signal 11 (Segmentation fault) before answering");
  SBT_CHECK(sbv_iut_pid(t) == 0, "stopped after the failure");
  SBT_CHECK(reaped(first), "crashed pid %ld reaped", first);
  expect_answered(t, "request 4, restarted");
  SBT_CHECK(sbv_iut_pid(t) != 0 && sbv_iut_pid(t) != first, "a new process");
  expect_answered(t, "request 5");
  expect_failure(t, -2, "killed by signal 11"); /* its third request again */
  sbv_iut_stop(t);
  char *text = log_text(log);
  SBT_CHECK(count(text, "stopping pid") == 2 && count(text, "iut: restarting") == 1,
            "the log notes both failures and the restart:\n%s", text);
  free(text);
  fclose(log);
}

/* Without exec the shell outlives the script and reports the signal as 139. */
static void iut_crash_under_a_shell_is_reported_as_its_status(void) {
  FILE *log = tmpfile();
  char err[256] = "";
  sbv_iut *t = sbv_iut_start("sh " FIXTURES "crash3.sh", 5000, log, err, sizeof err);
  SBT_CHECK(t != NULL, "start: %s", err);
  if (!t) return;
  expect_answered(t, "request 1");
  expect_answered(t, "request 2");
  expect_failure(t, -2, "exited with status 139 (128 + signal 11: Segmentation fault) before answering");
  expect_answered(t, "request 4, restarted");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_garbage_line_is_quoted_and_the_run_goes_on(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("garbage.sh", NULL, 5000, log);
  if (!t) return;
  const char *want = "answer is not JSON: DEBUG: got request 2, thinking very hard about it before "
                     "answering, really hard,...";
  expect_answered(t, "request 1");
  expect_failure(t, -2, want);
  expect_answered(t, "request 3, restarted");
  expect_failure(t, -2, "answer is not JSON: DEBUG: got request 4"); /* its second again */
  expect_answered(t, "request 5, restarted");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_hang_times_out_and_the_run_goes_on(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("hang.sh", NULL, 300, log);
  if (!t) return;
  expect_answered(t, "request 1");
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  expect_failure(t, -2, "no answer within 300 ms");
  long long ms = elapsed_ms(&t0);
  SBT_CHECK(ms >= 290 && ms < 1500, "timed out after %lld ms, want about 300 + the kill", ms);
  expect_answered(t, "request 3");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_wrong_id_is_reported(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("wrongid.sh", NULL, 5000, log);
  if (!t) return;
  expect_answered(t, "request 1");
  expect_failure(t, -2, "answer has id 102, expected 2");
  expect_answered(t, "request 3");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_bad_result_value_is_reported(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("badresult.sh", NULL, 5000, log);
  if (!t) return;
  expect_answered(t, "request 1");
  expect_failure(t, -2, "answer.result \"maybe\" is not valid, invalid or unsupported");
  expect_answered(t, "request 3");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_command_exiting_at_once_stops_the_run_after_three_starts(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("exit3.sh", NULL, 5000, log);
  if (!t) return;
  expect_failure(t, -2, "exited with status 3 before answering (stderr: exit3.sh: cannot load my configuration)");
  expect_failure(t, -2, "exited with status 3 before answering");
  expect_failure(t, -3, "the implementation failed right after each of 3 starts in a row (exited with status 3");
  sbv_iut_stop(t);
  char *text = log_text(log);
  SBT_CHECK(count(text, "]: exit3.sh: cannot load my configuration\n") == 3,
            "each start's stderr is in the log, prefixed:\n%s", text);
  free(text);
  fclose(log);
}

static void iut_missing_command_stops_the_run(void) {
  FILE *log = tmpfile();
  char err[256] = "";
  sbv_iut *t = sbv_iut_start("no-such-adapter-command --serve", 5000, log, err, sizeof err);
  SBT_CHECK(t != NULL, "the shell starts even if the command does not exist: %s", err);
  if (!t) return;
  expect_failure(t, -2, "exited with status 127 (command not found?) before answering");
  expect_failure(t, -2, "not found");
  expect_failure(t, -3, "command: no-such-adapter-command --serve");
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_stderr_flood_is_logged_without_blocking(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("flood.sh", NULL, 5000, log);
  if (!t) return;
  for (int i = 0; i < 3; i++) expect_answered(t, "flooding request");
  sbv_iut_stop(t);
  char *text = log_text(log);
  char want[3 + 99 + 2] = "]: ";
  memset(want + 3, 'x', 99);
  memcpy(want + 3 + 99, "\n", 2);
  /* 262144 bytes = 2647 full lines of 99 and one of 91, per request */
  SBT_EQ_U64(count(text, want), 3 * 2647);
  SBT_EQ_U64(count(text, "iut["), 3 * 2648);
  free(text);
  fclose(log);
}

static void iut_endless_stderr_does_not_defeat_the_timeout(void) {
  FILE *log = fopen("/dev/null", "w");
  sbv_iut *t = start_fixture("babble.sh", NULL, 300, log);
  if (!t) return;
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  expect_failure(t, -2, "no answer within 300 ms");
  SBT_CHECK(elapsed_ms(&t0) < 1500, "gave up after %lld ms", elapsed_ms(&t0));
  sbv_iut_stop(t);
  fclose(log);
}

static void iut_answer_in_pieces_is_assembled(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("pieces.sh", NULL, 5000, log);
  if (!t) return;
  for (int i = 0; i < 3; i++) expect_answered(t, "answer in three pieces");
  sbv_iut_stop(t);
  char *text = log_text(log);
  SBT_CHECK(count(text, "]: pieces.sh: noise in the middle of answer ") == 3, "noise logged:\n%s", text);
  free(text);
  fclose(log);
}

static void iut_stop_kills_an_adapter_that_ignores_end_of_input(void) {
  FILE *log = tmpfile();
  sbv_iut *t = start_fixture("stubborn.sh", NULL, 5000, log);
  if (!t) return;
  expect_answered(t, "request 1");
  long pid = sbv_iut_pid(t);
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  sbv_iut_stop(t);
  long long ms = elapsed_ms(&t0);
  SBT_CHECK(ms >= 990 && ms < 2500, "stopped after %lld ms: 1 s wait, then SIGTERM (ignored), SIGKILL", ms);
  SBT_CHECK(reaped(pid), "pid %ld reaped, no zombie", pid);
  fclose(log);
}

static void iut_child_inherits_no_descriptor_of_ours(void) {
  int p[2];
  if (pipe(p) != 0) return;
  /* A free descriptor (one digit: sh redirections take no more) without
   * close-on-exec, as a careless library might leave one. */
  int fd = 9;
  while (fd > 2 && fcntl(fd, F_GETFD) >= 0) fd--;
  SBT_CHECK(fd > 2 && dup2(p[1], fd) == fd, "a free descriptor below 10");
  char arg[12];
  snprintf(arg, sizeof arg, "%d", fd);
  FILE *log = tmpfile();
  sbv_iut *t = fd > 2 ? start_fixture("fdcheck.sh", arg, 5000, log) : NULL;
  if (t) {
    sbv_result r = SBV_UNSUPPORTED;
    char msg[SBV_MSG_SIZE] = "";
    SBT_EQ_U64(ask(t, "a.b", &r, msg), 0);
    SBT_CHECK(r == SBV_VALID, "descriptor %d is closed in the adapter (%s)", fd, msg);
    sbv_iut_stop(t);
  }
  if (fd > 2) close(fd);
  close(p[0]);
  close(p[1]);
  fclose(log);
}

SBT_SUITE(sim_iut, "sim/iut", SBT_CASE(parse_answer_takes_each_result_and_its_output),
          SBT_CASE(parse_answer_says_what_is_wrong_with_a_line),
          SBT_CASE(parse_answer_quotes_at_most_80_bytes),
          SBT_CASE(iut_reference_adapter_answers_every_request),
          SBT_CASE(iut_crash_is_reported_and_the_command_restarted),
          SBT_CASE(iut_crash_under_a_shell_is_reported_as_its_status),
          SBT_CASE(iut_garbage_line_is_quoted_and_the_run_goes_on),
          SBT_CASE(iut_hang_times_out_and_the_run_goes_on), SBT_CASE(iut_wrong_id_is_reported),
          SBT_CASE(iut_bad_result_value_is_reported),
          SBT_CASE(iut_command_exiting_at_once_stops_the_run_after_three_starts),
          SBT_CASE(iut_missing_command_stops_the_run),
          SBT_CASE(iut_stderr_flood_is_logged_without_blocking),
          SBT_CASE(iut_endless_stderr_does_not_defeat_the_timeout),
          SBT_CASE(iut_answer_in_pieces_is_assembled),
          SBT_CASE(iut_stop_kills_an_adapter_that_ignores_end_of_input),
          SBT_CASE(iut_child_inherits_no_descriptor_of_ours))
