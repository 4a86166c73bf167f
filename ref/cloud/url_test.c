#include "cloud/url.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static void check_with_token(const char *url, const char *token, const char *want) {
  char out[512];
  size_t n = 0;
  if (SBT_OK(sb_cloud_url_with_token(url, token, out, sizeof out, &n))) {
    SBT_STR_EQ(out, want);
    SBT_EQ_U64(n, strlen(want));
  }
}

static void url_token_is_added_to_the_relay_url(void) {
  /* AUTH-020, AUTH-022, CLOUD-023: relayUrl with token=<jwt>; new URL()
   * gives a bare origin the path "/". */
  check_with_token("wss://relay.sideband.cloud", "a.b.c", "wss://relay.sideband.cloud/?token=a.b.c");
  check_with_token("wss://relay.example.com/ws", "eyJ-_.x_y", "wss://relay.example.com/ws?token=eyJ-_.x_y");
  check_with_token("wss://eu.relay.sideband.cloud/", "t", "wss://eu.relay.sideband.cloud/?token=t");
  check_with_token("http://127.0.0.1:8787", "t", "http://127.0.0.1:8787/?token=t");
  check_with_token("wss://[::1]:9000/r", "t", "wss://[::1]:9000/r?token=t");
  check_with_token("custom://host", "t", "custom://host?token=t");
}

static void url_existing_token_is_replaced_and_other_parameters_kept(void) {
  /* AUTH-022: set() replaces the first token and drops later ones. */
  check_with_token("wss://r.example.com/ws?a=1&token=old&b=2&token=x#frag", "new",
                   "wss://r.example.com/ws?a=1&token=new&b=2#frag");
  check_with_token("wss://r.example.com/ws?&&a=1&", "t", "wss://r.example.com/ws?a=1&token=t");
  check_with_token("wss://r.example.com/ws?", "t", "wss://r.example.com/ws?token=t");
  check_with_token("wss://r.example.com/ws#f", "t", "wss://r.example.com/ws?token=t#f");
}

static void url_query_is_reserialised_as_urlsearchparams_does(void) {
  /* AUTH-022: URLSearchParams re-encodes the whole query. */
  check_with_token("wss://h/p?x=a%20b+c&y=%7e&z&w=%zz", "t",
                   "wss://h/p?x=a+b+c&y=%7E&z=&w=%25zz&token=t");
  check_with_token("wss://h/p?q=%FF&r=%E2%82", "t", "wss://h/p?q=%EF%BF%BD&r=%EF%BF%BD&token=t");
  check_with_token("wss://h/p?q=\xc3\xa9", "t", "wss://h/p?q=%C3%A9&token=t");
  check_with_token("wss://h/p", "a b+c", "wss://h/p?token=a+b%2Bc");
}

static void url_scheme_and_host_are_normalised(void) {
  /* CLOUD-023: the endpoint string new URL() produces. */
  check_with_token("WSS://Relay.Example.COM:443/WS", "t", "wss://relay.example.com/WS?token=t");
  check_with_token("ws://h:80", "t", "ws://h/?token=t");
  check_with_token("https://h:443/x", "t", "https://h/x?token=t");
  check_with_token("wss://h:0443/x", "t", "wss://h/x?token=t");
  check_with_token("wss://h:08443/x", "t", "wss://h:8443/x?token=t");
  check_with_token("wss://h:/x", "t", "wss://h/x?token=t");
  check_with_token("wss://User:Pw@H/x", "t", "wss://User:Pw@h/x?token=t");
}

static void url_that_is_not_a_url_is_refused(void) {
  /* CLOUD-023: new URL() throws for these (a retryable TypeError upstream;
   * checked against Node 20). */
  const char *bad[] = {"", "relay.example.com", "wss://", "wss://h:99999/", "wss://h:4a/",
                       "1wss://h", "wss://h x/"};
  char out[64];
  size_t n;
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(sb_cloud_url_with_token(bad[i], "t", out, sizeof out, &n), SB_ERR_ARG);
  /* ... and WHATWG repairs these ("wss://x/", "wss://h//p", "wss://h/"),
   * which no control plane hands out: refused here (url.h). */
  const char *repaired[] = {"wss:///x", "wss://h/\\p", "wss:h"};
  for (size_t i = 0; i < SB_ARRAY_LEN(repaired); i++)
    SBT_ERR_EQ(sb_cloud_url_with_token(repaired[i], "t", out, sizeof out, &n), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_url_with_token(NULL, "t", out, sizeof out, &n), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_url_with_token("wss://h", NULL, out, sizeof out, &n), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_url_get_token("nope", out, sizeof out, &n), SB_ERR_ARG);
}

static void url_reports_the_size_needed(void) {
  char out[8];
  size_t n = 0;
  SBT_ERR_EQ(sb_cloud_url_with_token("wss://h", "token", out, sizeof out, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen("wss://h/?token=token"));
  SBT_ERR_EQ(sb_cloud_url_with_token("wss://h", "token", NULL, 0, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, strlen("wss://h/?token=token"));
}

static void url_get_token_reads_what_the_relay_receives(void) {
  /* AUTH-020: the relay takes the token from the query parameter. */
  char out[64];
  size_t n = 0;
  SBT_OK(sb_cloud_url_get_token("wss://h/?a=1&token=x.y.z&token=2", out, sizeof out, &n));
  SBT_STR_EQ(out, "x.y.z");
  SBT_EQ_U64(n, 5);
  SBT_OK(sb_cloud_url_get_token("wss://h/?token=a+b%2Bc%FF#token=no", out, sizeof out, &n));
  SBT_STR_EQ(out, "a b+c\xef\xbf\xbd");
  SBT_OK(sb_cloud_url_get_token("wss://h/?token", out, sizeof out, &n));
  SBT_STR_EQ(out, "");
  SBT_ERR_EQ(sb_cloud_url_get_token("wss://h/?tokens=1", out, sizeof out, &n), SB_ERR_NOT_FOUND);
  SBT_ERR_EQ(sb_cloud_url_get_token("wss://h/", out, sizeof out, &n), SB_ERR_NOT_FOUND);
  SBT_ERR_EQ(sb_cloud_url_get_token("wss://h/?token=123456789", out, 4, &n), SB_ERR_BUF);
  SBT_EQ_U64(n, 9);
  /* round trip through the builder */
  char url[128];
  SBT_OK(sb_cloud_url_with_token("wss://relay.example.com/ws?token=old", "eyJh.eyJz.c2ln", url,
                                 sizeof url, &n));
  SBT_OK(sb_cloud_url_get_token(url, out, sizeof out, &n));
  SBT_STR_EQ(out, "eyJh.eyJz.c2ln");
}

SBT_SUITE(cloud_url, "cloud/url", SBT_CASE(url_token_is_added_to_the_relay_url),
          SBT_CASE(url_existing_token_is_replaced_and_other_parameters_kept),
          SBT_CASE(url_query_is_reserialised_as_urlsearchparams_does),
          SBT_CASE(url_scheme_and_host_are_normalised), SBT_CASE(url_that_is_not_a_url_is_refused),
          SBT_CASE(url_reports_the_size_needed),
          SBT_CASE(url_get_token_reads_what_the_relay_receives))
