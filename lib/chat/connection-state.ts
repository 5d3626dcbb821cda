// Apart from lib/chat/live-connection.ts, which the page loads after its first screen: the header
// shows these from the start, and importing them from there would pull the socket's code
// (partysocket, the keep-alive) into the page's first load.

/**
 * `live`: subscribed, events arrive by push. `connecting`/`reconnecting`: a socket is being
 * (re)opened and the page polls meanwhile. `polling`: sockets are unavailable or keep failing;
 * the page polls by cursor and the socket keeps retrying in the background. `crowded`: the room
 * refused this page's socket because this network already holds LIVE.maxSocketsPerAddress in the
 * room (close LIVE_CLOSE.tooManySockets); the page polls and stops reconnecting until a reload,
 * since every retry would be refused the same way.
 */
export type ConnectionState = "connecting" | "live" | "reconnecting" | "polling" | "crowded";

/** What the page says when the room refused its socket for too many from its network. */
export const CROWDED_MESSAGE = "Too many tabs open to this room from your network; close some and reload.";
