import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { CommentsPage, HistoryGap } from "../../types";
import { requireCaller } from "../auth";
import { roomStub } from "../context";
import { unwrap } from "../http";
import { ADMIN, AUTH_ERRORS, apiRouter, errors, query } from "../openapi";

/** Messages per Room call while exporting: the largest page a client may ask for. */
const EXPORT_PAGE = 500;
const ALL = { type: "ALL" as const, users: [] };

/**
 * `GET /api/admin/export`: the room's whole history (hot rows and archived segments) as JSON
 * lines in seq order, streamed page by page so neither side holds the room in memory. Where an
 * archive segment is damaged or gone, a `{"gap": {fromSeq, toSeq, reason}}` line stands in its
 * place, so an export is never silently short: no gap line, nothing missing.
 */
export const exportHistory = apiRouter();

const exportRoute = createRoute({
  method: "get",
  path: "/api/admin/export",
  summary: "The room's whole history (hot and archived) as JSON lines in seq order, streamed",
  request: { query: query() },
  responses: {
    200: {
      description:
        "One message (JSON) per line, ascending by seq. Where seqs could not be read (a damaged or missing " +
        'archive segment) a line `{"gap":{"fromSeq":101,"toSeq":200,"reason":"corrupt"|"missing"}}` stands at ' +
        "their place: every seq from fromSeq to toSeq is missing from the export. An export with no gap line is " +
        "complete; one that fails part way is cut off (the stream errors), never ended as if complete.",
      content: { "application/x-ndjson": { schema: z.string() } },
    },
    ...errors(...AUTH_ERRORS),
  },
  security: ADMIN,
});

exportHistory.openapi(exportRoute, async (c) => {
  requireCaller(c, "admin");
  const stub = roomStub(c);
  const room = c.var.room;
  // The first page is read before answering, so an archive that cannot be read is a clean 503.
  let page = unwrap(c, await stub.after(0, EXPORT_PAGE, ALL));
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      controller.enqueue(encoder.encode(exportLines(page)));
      if (!page.hasMore) {
        controller.close();
        return;
      }
      const next = await stub.after(page.cursor, EXPORT_PAGE, ALL);
      // Past the first byte the status is sent: a failure aborts the stream, so it is never silently short.
      if (!next.ok) {
        console.error(`[export ${room}] stopped after seq ${page.cursor}: ${next.error}`);
        controller.error(new Error(next.error));
        return;
      }
      page = next.value;
    },
  });
  const response = c.body(body, 200, {
    "Content-Type": "application/x-ndjson; charset=utf-8",
    "Content-Disposition": `attachment; filename="${room}.jsonl"`,
  });
  // The library types only JSON and text bodies; a stream of JSON lines is declared above all the same.
  return response as never;
});

/** A page's messages and gaps as export lines, merged in seq order (a gap before the seqs above it). */
function exportLines(page: CommentsPage): string {
  const gaps = page.gaps ?? [];
  let g = 0;
  let out = "";
  for (const m of page.comments) {
    for (; g < gaps.length && (gaps[g] as HistoryGap).toSeq < m.seq; g++)
      out += `${JSON.stringify({ gap: gaps[g] })}\n`;
    out += `${JSON.stringify(m)}\n`;
  }
  for (; g < gaps.length; g++) out += `${JSON.stringify({ gap: gaps[g] })}\n`;
  return out;
}
