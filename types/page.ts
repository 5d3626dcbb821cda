import { z } from "zod";
import { commentsPageSchema } from "./api.ts";
import { roomSchema } from "./message.ts";

/**
 * The recent window the Worker writes into the chat page (C2, first paint without a round
 * trip): `<script id="sww-initial" type="application/json">`, from the room's KV snapshot. The
 * app shows `page` at once and resumes from `page.cursor`. Absent when the room has no snapshot.
 */
export const INITIAL_WINDOW_ELEMENT_ID = "sww-initial";
/** The static rows of that window, painted before any script runs; the app removes them. */
export const FIRST_PAINT_ELEMENT_ID = "sww-first-paint";

export const initialWindowSchema = z.object({ room: roomSchema, page: commentsPageSchema });
export type InitialWindow = z.infer<typeof initialWindowSchema>;
