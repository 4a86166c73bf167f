/*
 * Operation handlers, one per vector type, defined in sim/ops_<layer>.c and
 * listed once in the registry of sim/vec_ops.c.
 */
#ifndef SBV_OPS_INTERNAL_H
#define SBV_OPS_INTERNAL_H

#include "vec_ops.h"

#define SBV_OP_FN(name) int name(const cJSON *input, sbv_answer *out, char msg[SBV_MSG_SIZE])

SBV_OP_FN(sbv_op_sbp_frame_decode);
SBV_OP_FN(sbv_op_sbp_frame_encode);
SBV_OP_FN(sbv_op_sbp_handshake_decode);
SBV_OP_FN(sbv_op_sbp_error_info);
SBV_OP_FN(sbv_op_rpc_envelope_decode);
SBV_OP_FN(sbv_op_rpc_envelope_encode);
SBV_OP_FN(sbv_op_rpc_inbound);
SBV_OP_FN(sbv_op_rpc_correlate);
SBV_OP_FN(sbv_op_events_match);
SBV_OP_FN(sbv_op_events_validate);
SBV_OP_FN(sbv_op_sbrp_frame_decode);
SBV_OP_FN(sbv_op_sbrp_frame_encode);
SBV_OP_FN(sbv_op_sbrp_relay_validate);
SBV_OP_FN(sbv_op_sbrp_control_info);
SBV_OP_FN(sbv_op_sbrp_handshake);
SBV_OP_FN(sbv_op_sbrp_handshake_finish);
SBV_OP_FN(sbv_op_sbrp_data_seal);
SBV_OP_FN(sbv_op_sbrp_data_open);
SBV_OP_FN(sbv_op_sbrp_replay);
SBV_OP_FN(sbv_op_auth_sid_encode);
SBV_OP_FN(sbv_op_auth_sid_decode);
SBV_OP_FN(sbv_op_auth_token_verify);
SBV_OP_FN(sbv_op_auth_token_peek);
SBV_OP_FN(sbv_op_peer_backoff);
SBV_OP_FN(sbv_op_peer_retry);

#endif
