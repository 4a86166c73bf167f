/*
 * Seed maker for the fuzz targets (not a harness; tools/fuzz.sh runs it).
 *
 *   fuzz-seeds OUTDIR [VECTOR_FILE...]
 *
 * Writes OUTDIR/<target>/seed-<hash>: the byte inputs of every case of the
 * vector files, routed to the target that decodes them (frames, payloads,
 * envelopes, tokens, sids, event patterns; each whole case as an adapter
 * request line and as an implementation's answer line; each file, and a
 * small cut of it, as a vector file), plus hand-made seeds: frames of every
 * kind built with the reference encoders, Data frames sealed and tokens
 * signed with the harnesses' fixed keys (fuzz.h), so the fuzzer starts past
 * the checks it cannot forge. Seeds are named by a hash of their bytes, so
 * running it again adds nothing twice. Exit 0, or 1 on an I/O error.
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/sid.h"
#include "auth/token.h"
#include "common/error.h"
#include "common/hex.h"
#include "fuzz.h"
#include "sbp/frame.h"
#include "sbrp/aead.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

static const char *outdir;
static unsigned written, failures;

/* ---- output --------------------------------------------------------------- */

static void put_seed(const char *target, const void *buf, size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", outdir, target);
  if (mkdir(path, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
    failures++;
    return;
  }
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < len; i++) h = (h ^ ((const uint8_t *)buf)[i]) * 1099511628211u;
  snprintf(path, sizeof path, "%s/%s/seed-%016llx", outdir, target, (unsigned long long)h);
  struct stat st;
  if (stat(path, &st) == 0) return;
  FILE *f = fopen(path, "wb");
  if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
    fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
    failures++;
    return;
  }
  written++;
}

static void put_text(const char *target, const char *s) { put_seed(target, s, strlen(s)); }

/* A JSON value printed compactly as a seed. */
static void put_json(const char *target, const cJSON *v) {
  char *s = cJSON_PrintUnformatted(v);
  if (s) put_text(target, s);
  cJSON_free(s);
}

/* ---- seeds from the vector files ------------------------------------------ */

/* Member `key` of `obj` as hex bytes, to `target`. */
static void put_hex_member(const char *target, const cJSON *obj, const char *key) {
  const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
  if (!hex) return;
  size_t n = strlen(hex), len = 0;
  uint8_t *buf = malloc(n / 2 + 1);
  if (buf && sb_hex_decode(hex, n, buf, n / 2 + 1, &len) == SB_OK) put_seed(target, buf, len);
  free(buf);
}

static void put_str_member(const char *target, const cJSON *obj, const char *key) {
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
  if (s) put_text(target, s);
}

/* The byte inputs of one case, by operation type. */
static void seeds_of_case(const char *type, const cJSON *in, const cJSON *out) {
  if (!strcmp(type, "sbp.frame.decode")) put_hex_member("sbp_frame", in, "frame");
  if (!strcmp(type, "sbp.frame.encode")) put_hex_member("sbp_frame", out, "frame");
  if (!strcmp(type, "sbp.handshake.decode")) put_hex_member("sbp_handshake", in, "payload");
  if (!strcmp(type, "rpc.envelope.decode") || !strcmp(type, "rpc.inbound"))
    put_hex_member("rpc_envelope", in, "data");
  if (!strcmp(type, "rpc.envelope.encode")) put_hex_member("rpc_envelope", out, "data");
  if (!strcmp(type, "sbrp.frame.decode") || !strcmp(type, "sbrp.relay.validate"))
    put_hex_member("sbrp_frame", in, "frame");
  if (!strcmp(type, "sbrp.relay.validate")) put_hex_member("sbrp_frame", out, "pong");
  if (!strcmp(type, "sbrp.frame.encode")) put_hex_member("sbrp_frame", out, "frame");
  if (!strcmp(type, "sbrp.data.seal")) {
    put_hex_member("sbrp_frame", out, "frame");
    put_hex_member("sbrp_data", out, "frame");
  }
  if (!strcmp(type, "sbrp.data.open")) {
    put_hex_member("sbrp_frame", in, "frame");
    put_hex_member("sbrp_data", in, "frame");
  }
  if (!strcmp(type, "auth.token.peek")) put_str_member("token", in, "token");
  if (!strcmp(type, "auth.token.verify")) {
    put_str_member("token", in, "token");
    const cJSON *claims = cJSON_GetObjectItemCaseSensitive(out, "claims");
    if (cJSON_IsObject(claims)) put_json("token", claims);
  }
  if (!strcmp(type, "auth.sid.decode")) put_str_member("sid", in, "sid");
  if (!strcmp(type, "auth.sid.encode")) put_str_member("sid", out, "sid");
  if (!strcmp(type, "events.validate")) {
    put_str_member("events", in, "pattern");
    put_str_member("events", in, "name");
  }
  if (!strcmp(type, "events.match")) {
    const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "pattern"));
    const char *n = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(in, "name"));
    if (p && n) {
      size_t lp = strlen(p), ln = strlen(n);
      char *s = malloc(lp + ln + 2);
      if (s) {
        memcpy(s, p, lp);
        s[lp] = '\n';
        memcpy(s + lp + 1, n, ln + 1);
        put_text("events", s);
      }
      free(s);
    }
  }
}

/* The case as an adapter request and as an implementation's answer to id 17. */
static void protocol_lines(long id, const char *type, const cJSON *in, const char *result,
                           const cJSON *out) {
  cJSON *req = cJSON_CreateObject();
  cJSON_AddNumberToObject(req, "id", (double)id);
  cJSON_AddStringToObject(req, "type", type);
  cJSON_AddItemToObject(req, "input", cJSON_Duplicate(in, 1));
  put_json("adapter", req);
  cJSON_Delete(req);
  cJSON *ans = cJSON_CreateObject();
  cJSON_AddNumberToObject(ans, "id", 17);
  cJSON_AddStringToObject(ans, "result", strcmp(result, "acceptable") ? result : "valid");
  if (out) cJSON_AddItemToObject(ans, "output", cJSON_Duplicate(out, 1));
  put_json("iut_answer", ans);
  cJSON_Delete(ans);
}

/* A small vector file: the file's header and the first two cases of group `g`. */
static void put_cut(const cJSON *root, const cJSON *g) {
  cJSON *cut = cJSON_Duplicate(root, 0);
  const cJSON *c;
  cJSON_ArrayForEach(c, root) {
    if (strcmp(c->string, "testGroups") && strcmp(c->string, "numberOfTests"))
      cJSON_AddItemToObject(cut, c->string, cJSON_Duplicate(c, 1));
  }
  cJSON *group = cJSON_CreateObject(), *tests = cJSON_CreateArray(), *groups = cJSON_CreateArray();
  cJSON_AddItemToObject(group, "type", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(g, "type"), 1));
  int n = 0;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(g, "tests")) {
    if (n == 2) break;
    cJSON_AddItemToArray(tests, cJSON_Duplicate(c, 1));
    n++;
  }
  cJSON_AddItemToObject(group, "tests", tests);
  cJSON_AddItemToArray(groups, group);
  cJSON_AddItemToObject(cut, "numberOfTests", cJSON_CreateNumber(n));
  cJSON_AddItemToObject(cut, "testGroups", groups);
  char *s = cJSON_Print(cut); /* formatted: line:column messages get lines to count */
  if (s) put_text("vec_file", s);
  cJSON_free(s);
  cJSON_Delete(cut);
}

static void seeds_of_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "fuzz-seeds: %s: %s\n", path, strerror(errno));
    failures++;
    return;
  }
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      char *bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  cJSON *root = buf ? cJSON_ParseWithLength(buf, len) : NULL;
  if (buf && len <= 32768) put_seed("vec_file", buf, len);
  free(buf);
  const cJSON *groups = cJSON_GetObjectItemCaseSensitive(root, "testGroups"), *g, *t;
  cJSON_ArrayForEach(g, groups) {
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(g, "type"));
    if (!type) continue;
    put_cut(root, g);
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(g, "tests")) {
      const cJSON *in = cJSON_GetObjectItemCaseSensitive(t, "input");
      const cJSON *out = cJSON_GetObjectItemCaseSensitive(t, "output");
      const cJSON *id = cJSON_GetObjectItemCaseSensitive(t, "tcId");
      const char *result = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "result"));
      if (!cJSON_IsObject(in) || !result) continue;
      seeds_of_case(type, in, out);
      protocol_lines(cJSON_IsNumber(id) ? (long)id->valuedouble : 1, type, in, result, out);
    }
  }
  cJSON_Delete(root);
}

/* ---- hand-made seeds ------------------------------------------------------ */

static const char *const handshake_json[] = {
    "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"peer-a\",\"caps\":[],\"metadata\":{}}",
    ("{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"\",\"caps\":[\"rpc\",\"events\"],"
     "\"metadata\":{\"name\":\"x\",\"n\":1.5e3,\"deep\":{\"a\":[null,true,false]}}}"),
    "{\"protocol\":\"sideband\",\"version\":\"2\",\"peerId\":\"p\"}",
    "{\"version\":\"1\",\"protocol\":\"sideband\",\"peerId\":\"\\u00e9\\ud83d\\ude00\"}",
};

static const char *const envelopes[] = {
    "{\"t\":\"r\",\"m\":\"echo\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"p\":{\"x\":[1,2,3]}}",
    "{\"t\":\"R\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"result\":\"ok\"}",
    ("{\"t\":\"E\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"code\":1101,\"message\":\"no\","
     "\"data\":{\"1\":0,\"b\":-0.0,\"a\":1e21}}"),
    "{\"t\":\"N\",\"e\":\"chat.message\",\"d\":[\"\\u2028\",0.1,123456789012345678]}",
    "{\"t\":\"N\",\"e\":\"x\",\"cid\":\"000102030405060708090A0B0C0D0E0F\"}",
    "{\"t\":\"r\",\"m\":\"\",\"cid\":\"000102030405060708090A0B0C0D0E0F\"}",
};

static const char *const event_inputs[] = {
    "chat.*.message\nchat.room1.message", "chat.>\nchat.room1.message.new", "*\nsingle",
    "a.b.c\na.b.c", "a.**\na.b", "a.>.b\na.x.b", "a..b\na.b", "a b\nab", ">\nx",
};

static const char *const adapter_lines[] = {
    "{\"id\":1,\"type\":\"sbrp.frame.decode\",\"input\":{\"frame\":\"10000000080000000000000000a1a2a3a4a5a6a7a8\"}}",
    "{\"id\":\"s\",\"type\":\"events.match\",\"input\":{\"pattern\":\"a.*\",\"name\":\"a.b\"}}",
    "{\"id\":3,\"type\":\"auth.sid.decode\",\"input\":{\"sid\":\"AAAAAAAAAAE\"}}",
    ("{\"id\":4,\"type\":\"peer.backoff\",\"input\":{\"policy\":{\"initialMs\":100,\"maxMs\":5000,"
     "\"jitter\":0.2},\"attempt\":3,\"random\":0.5}}"),
    "{\"id\":5,\"type\":\"sbrp.replay\",\"input\":{\"window\":64,\"seqs\":[\"0\",\"5\",\"5\",\"70\"]}}",
    "{\"id\":6,\"type\":\"sbrp.control.info\",\"input\":{\"code\":1025}}",
    "{\"id\":7,\"type\":\"no.such.type\",\"input\":{}}",
    "{\"id\":8,\"type\":\"sbp.frame.decode\"}",
};

static const char *const answer_lines[] = {
    "{\"id\":17,\"result\":\"valid\",\"output\":{\"type\":16,\"sessionId\":\"0\",\"payload\":\"a1\"}}",
    "{\"id\":17,\"result\":\"invalid\",\"output\":{\"error\":\"malformed_frame\"}}",
    "{\"id\":17,\"result\":\"unsupported\"}",
    "{\"id\":18,\"result\":\"valid\",\"output\":{}}",
    "{\"id\":17,\"result\":\"valid\"} trailing",
};

static const char vector_file[] =
    "{\n  \"schema\": \"sideband-vectors/1\",\n  \"layer\": \"events\",\n"
    "  \"description\": \"hand-made\",\n  \"numberOfTests\": 2,\n"
    "  \"notes\": {\"Up\": \"upstream differs\"},\n  \"profiles\": {\"upstream\": [\"Up\"]},\n"
    "  \"testGroups\": [\n    {\"type\": \"events.match\", \"tests\": [\n"
    "      {\"tcId\": 1, \"comment\": \"star\", \"requirements\": [\"EVT-PAT-001\"], \"flags\": [],\n"
    "       \"input\": {\"pattern\": \"a.*\", \"name\": \"a.b\"}, \"result\": \"valid\",\n"
    "       \"output\": {\"match\": true}},\n"
    "      {\"tcId\": 2, \"comment\": \"bad\", \"requirements\": [\"EVT-PAT-003\"], \"flags\": [\"Up\"],\n"
    "       \"input\": {\"pattern\": \"a.**\", \"name\": \"a.b\"}, \"result\": \"invalid\",\n"
    "       \"output\": {\"error\": \"invalid_pattern\"}}]}]\n}\n";

static void sbp_frames(void) {
  uint8_t buf[512];
  size_t n;
  sb_sbp_frame f;
  static const uint8_t subject_rpc[] = "rpc", subject_app[] = "app/chat";
  const char *hs = handshake_json[0];
  for (int kind = 0; kind < 6; kind++) {
    memset(&f, 0, sizeof f);
    for (int i = 0; i < 16; i++) f.frame_id[i] = (uint8_t)(i * 17);
    f.has_timestamp = kind % 2;
    f.timestamp_ms = 1700000000123;
    switch (kind) {
      case 0:
        f.kind = SB_SBP_KIND_CONTROL;
        f.control.op = SB_SBP_OP_HANDSHAKE;
        f.control.data = (const uint8_t *)hs;
        f.control.data_len = strlen(hs);
        break;
      case 1: f.kind = SB_SBP_KIND_CONTROL; f.control.op = SB_SBP_OP_PING; break;
      case 2:
        f.kind = SB_SBP_KIND_MESSAGE;
        f.message.subject = subject_rpc;
        f.message.subject_len = 3;
        f.message.data = (const uint8_t *)envelopes[0];
        f.message.data_len = strlen(envelopes[0]);
        break;
      case 3:
        f.kind = SB_SBP_KIND_MESSAGE;
        f.message.subject = subject_app;
        f.message.subject_len = sizeof subject_app - 1;
        break;
      case 4: f.kind = SB_SBP_KIND_ACK; memset(f.ack.ack_frame_id, 0xab, 16); break;
      default:
        f.kind = SB_SBP_KIND_ERROR;
        f.error.code = 1002;
        f.error.message = (const uint8_t *)"Invalid frame";
        f.error.message_len = 13;
        f.error.details = (const uint8_t *)"{}";
        f.error.details_len = 2;
        break;
    }
    if (sb_sbp_frame_encode(&f, buf, sizeof buf, &n) == SB_OK) put_seed("sbp_frame", buf, n);
  }
  for (size_t i = 0; i < SB_ARRAY_LEN(handshake_json); i++) put_text("sbp_handshake", handshake_json[i]);
  for (size_t i = 0; i < SB_ARRAY_LEN(envelopes); i++) put_text("rpc_envelope", envelopes[i]);
}

static void sbrp_frames(void) {
  uint8_t buf[256], payload[128];
  size_t n;
  for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)(i * 7 + 1);
  const uint64_t sid = 0x0102030405060708u;
  if (sb_sbrp_frame_encode(SB_SBRP_HANDSHAKE_INIT, sid, payload, 32, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_frame_encode(SB_SBRP_HANDSHAKE_ACCEPT, sid, payload, 128, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_frame_encode(SB_SBRP_DATA, sid, payload, 40, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  for (uint8_t code = 0; code < 3; code++)
    if (sb_sbrp_frame_encode(SB_SBRP_SIGNAL, sid, (const uint8_t[]){code, (uint8_t)(code + 1)}, 2,
                             buf, sizeof buf, &n) == SB_OK)
      put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_ping_encode(SB_SBRP_PING, payload, 8, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_ping_encode(SB_SBRP_PONG, payload, 0, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_control_encode(0, 0x0401, (const uint8_t *)"bad", 3, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  if (sb_sbrp_control_encode(sid, 0x1001, NULL, 0, buf, sizeof buf, &n) == SB_OK)
    put_seed("sbrp_frame", buf, n);
  /* Data sealed with the fixed key: both directions, edge sequence numbers. */
  static const uint64_t seqs[] = {0, 1, 1000, UINT64_MAX - 1, UINT64_MAX};
  static const size_t lens[] = {0, 1, 5, 64};
  for (uint32_t dir = SB_SBRP_C2D; dir <= SB_SBRP_D2C; dir++)
    for (size_t s = 0; s < SB_ARRAY_LEN(seqs); s++)
      for (size_t l = 0; l < SB_ARRAY_LEN(lens); l++)
        if (sb_sbrp_aead_seal((const uint8_t *)FUZZ_DATA_KEY, dir, seqs[s], s % 2 ? sid : 1,
                              (const uint8_t *)"plaintext of the fuzz seed frames; 64 bytes..",
                              lens[l], buf, sizeof buf, &n) == SB_OK) {
          put_seed("sbrp_data", buf, n);
          if (l == 2) put_seed("sbrp_frame", buf, n);
        }
}

static void put_token(const sb_auth_mint_claims *c, const char *kid) {
  static sb_auth_signing_key key;
  static bool ready;
  if (!ready && sb_auth_signing_key_from_seed(&key, (const uint8_t *)FUZZ_TOKEN_SEED) != SB_OK) return;
  ready = true;
  char tok[SB_AUTH_TOKEN_MAX_CHARS + 1];
  size_t n;
  if (sb_auth_token_mint(c, kid, &key, tok, sizeof tok, &n) == SB_OK) put_text("token", tok);
}

static void tokens(void) {
  static const char *const aud[] = {"sideband-relay", "other"};
  static const char *const scp[] = {"session:create", "session:resume"};
  sb_auth_mint_claims c = {.iss = FUZZ_TOKEN_ISSUER, .aud = aud, .aud_count = 1,
                           .exp = FUZZ_TOKEN_NOW + 60, .iat = FUZZ_TOKEN_NOW, .jti = "j1",
                           .sub = "user-1", .role = SB_AUTH_ROLE_CLIENT, .did = "daemon-1",
                           .sid = 0x0102030405060708u};
  put_token(&c, FUZZ_TOKEN_KID);
  c.ver = 1, c.scp = scp, c.scp_count = 2, c.region = FUZZ_TOKEN_REGION, c.aud_count = 2;
  c.lim_concurrent_sessions = 3;
  put_token(&c, FUZZ_TOKEN_KID);
  put_token(&c, FUZZ_TOKEN_KID "-noalg");
  sb_auth_mint_claims d = {.iss = FUZZ_TOKEN_ISSUER, .aud = aud, .aud_count = 1, .aud_as_string = true,
                           .exp = FUZZ_TOKEN_NOW + 3600, .iat = FUZZ_TOKEN_NOW - 10,
                           .role = SB_AUTH_ROLE_DAEMON, .did = "daemon-1"};
  put_token(&d, FUZZ_TOKEN_KID);
  d.exp = FUZZ_TOKEN_NOW - 31;
  put_token(&d, FUZZ_TOKEN_KID);
  /* Claims-mode seeds: the harness signs these itself. */
  put_text("token", "{\"iss\":\"" FUZZ_TOKEN_ISSUER "\",\"aud\":[\"sideband-relay\"],"
                    "\"exp\":1700000060,\"iat\":1700000000,\"role\":\"client\",\"did\":\"d\","
                    "\"sub\":\"u\",\"sid\":\"AQIDBAUGBwg\",\"scp\":[\"session:resume\"],"
                    "\"region\":\"" FUZZ_TOKEN_REGION "\",\"lim\":{\"concurrent_sessions\":2},\"ver\":1}");
  put_text("token", "{\"iss\":\"" FUZZ_TOKEN_ISSUER "\",\"aud\":\"sideband-relay\","
                    "\"exp\":1700003600,\"iat\":1700000000,\"role\":\"daemon\",\"did\":\"d\"}");
  char sid[SB_AUTH_SID_SIZE];
  static const uint64_t sids[] = {1, 0x0102030405060708u, UINT64_MAX};
  for (size_t i = 0; i < SB_ARRAY_LEN(sids); i++)
    if (sb_auth_sid_encode(sids[i], sid, sizeof sid) == SB_OK) put_text("sid", sid);
  put_text("sid", "AAAAAAAAAAA");
  put_text("sid", "AQIDBAUGBwg=");
}

static void hand_made(void) {
  sbp_frames();
  sbrp_frames();
  tokens();
  for (size_t i = 0; i < SB_ARRAY_LEN(event_inputs); i++) put_text("events", event_inputs[i]);
  for (size_t i = 0; i < SB_ARRAY_LEN(adapter_lines); i++) put_text("adapter", adapter_lines[i]);
  for (size_t i = 0; i < SB_ARRAY_LEN(answer_lines); i++) put_text("iut_answer", answer_lines[i]);
  put_text("vec_file", vector_file);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fuzz-seeds OUTDIR [VECTOR_FILE...]\n");
    return 2;
  }
  outdir = argv[1];
  if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "fuzz-seeds: %s: %s\n", outdir, strerror(errno));
    return 1;
  }
  hand_made();
  for (int i = 2; i < argc; i++) seeds_of_file(argv[i]);
  printf("fuzz-seeds: %u new seeds from %d vector files and the hand-made set\n", written, argc - 2);
  return failures ? 1 : 0;
}
