import type { Message } from "../types";

/** Builds wire messages for unit tests: only the fields a test cares about need stating. */
export function msg(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    seq,
    timestamp: 1_700_000_000_000 + seq * 1000,
    text: `message ${seq}`,
    username: "Alice",
    color: "200100050",
    domain: "saywhatwant.app",
    "message-type": "human",
    ...fields,
  };
}

export function addressedMsg(
  seq: number,
  status: "pending" | "processing" | "complete" | "failed",
  fields: Partial<Message> = {},
): Message {
  return msg(seq, {
    botParams: {
      entity: "echo",
      priority: 50,
      status,
      attempts: 0,
      claimedBy: null,
      leaseExpiresAt: null,
      error: null,
    },
    ...fields,
  });
}
