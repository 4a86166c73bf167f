/*
 * The Wireshark 4.0 plugin ABI (../shared/notes/toolchain.md section 4):
 * version symbols and plugin_register(), which registers the three
 * protocols and their hand-offs.
 */
#include <epan/packet.h>
#include <epan/proto.h>
#include <ws_version.h>

#include "sbrp-plugin.h"

#define SBRP_PLUGIN_VERSION "0.1.0"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SBRP_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

/* Protocols first (sbp and sbrpc before sbrp's hand-off looks them up). */
static void register_protoinfo(void) {
  sbp_register();
  sbrpc_register();
  sbrp_register();
}

/* sbrp first: it enables Decode As on ws.port before sbp adds itself there. */
static void register_handoff(void) {
  sbrp_handoff();
  sbp_handoff();
  sbrpc_handoff();
}

void plugin_register(void) {
  static proto_plugin plugin;
  plugin.register_protoinfo = register_protoinfo;
  plugin.register_handoff = register_handoff;
  proto_register_plugin(&plugin);
}
