import { z } from "zod";
import { commentsPageSchema } from "./api.ts";
import { roomSchema } from "./message.ts";

/**
 * The recent window the Worker writes into the chat page (C2, first paint without a round
 * trip): `<script id="sww-initial" type="application/json">`, from the room's KV snapshot. The
 * app shows `page` at once and resumes from `page.cursor`. Absent when the room has no snapshot.
 */
export { FIRST_PAINT_ELEMENT_ID, INITIAL_WINDOW_ELEMENT_ID } from "./constants.ts";

export const initialWindowSchema = z.object({ room: roomSchema, page: commentsPageSchema });
export type InitialWindow = z.infer<typeof initialWindowSchema>;
