/*
 * Plumbing shared by the world's files (world.c, sim_link.c, sim_node.c);
 * not for the Lua host or other users of world.h.
 */
#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

#include "world.h"

/* Unix time at virtual time 0 unless a scenario says otherwise:
 * 2024-01-01T00:00:00Z, the epoch of the dissector's captures. */
#define SIM_EPOCH_S INT64_C(1704067200)

/* ---- links (sim_link.c) ---- */

/* Open a link from `n` to the relay carrying `token` (copied). */
sim_link *sim_link_open(sim_node *n, const char *token);

/* Queue one DATA message on `l` in direction `dir`; `crafted` ones (the
 * adversary's) bypass the wire rules. Nothing happens on a closed side. */
void sim_link_send(sim_link *l, int dir, const uint8_t *bytes, size_t len, bool crafted);

/* Side `side` (0 opener, 1 relay) closes `l` with `code`: its close travels
 * to the other side like a message. */
void sim_link_close(sim_link *l, int side, uint16_t code);

/* Kill `l` now: undelivered messages are lost, the opener learns at once
 * (its machine is told if `tell_opener`), the relay after the latency. */
void sim_link_drop(sim_link *l, const char *why, bool tell_opener);

/* The scheduler callback delivering one message (obj: the sim_msg). */
void sim_link_arrive(sim_world *w, void *msg, uint64_t unused);

/* true if `l` is NULL, dropped, or closed by both ends. */
bool sim_link_gone(const sim_link *l);

/* Bytes of DATA waiting in direction `dir` of `l`. */
size_t sim_link_queued(const sim_link *l, int dir);

/* Free a message / a link (world teardown). */
void sim_msg_free(sim_msg *m);
void sim_link_free(sim_link *l);

/* Free a node's adversary rules and wire history. */
void sim_wire_free_all(sim_node *n);

/* The link with id `id`, or NULL. */
sim_link *sim_world_link(const sim_world *w, uint32_t id);

/* ---- nodes (sim_node.c): what a link hands to the machines ---- */

/* The upgrade reached the relay: returns the HTTP status. */
int sim_node_upgrade(sim_link *l, const char *token);

/* The upgrade's answer reached the opener. */
void sim_node_response(sim_link *l, int status);

/* A DATA message reached side `dir` (SIM_UP: the relay got it). */
void sim_node_data(sim_link *l, int dir, const uint8_t *bytes, size_t len);

/* The link ended for side `side` (0 opener, 1 relay): the machine's ws_close. */
void sim_node_link_ended(sim_link *l, int side);

/* After any call into a node's machine: re-arm its deadline, plan reconnects. */
void sim_node_after(sim_node *n);

/* Release a node's memory (world teardown). */
void sim_node_free(sim_node *n);

/* Record a driver note on node `n` (machine "driver"). */
void sim_node_note(sim_node *n, const char *what, int err, const char *text);

/* Add a bare node of `kind` (its random streams and trace name set up):
 * `name`, or `base`, `base2`, ... NULL with w->err set when refused. */
sim_node *sim_world_add_node(sim_world *w, sim_node_kind kind, const char *name, const char *base);

/* ---- capture time ---- */

/* Timestamp for the next capture packets, and book-keeping after writing. */
uint64_t sim_world_pcap_time(sim_world *w);
void sim_world_pcap_done(sim_world *w, uint64_t t, uint64_t packets_before);

#endif
