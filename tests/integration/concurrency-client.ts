// The comments Worker over plain HTTP, for the cross-process concurrency tests
// (worker-concurrency.test.ts, worker-queue-drain.test.ts): each file starts its own Worker, so the
// two load tests run side by side, each on its own workerd.
import type { Message } from "../../types/index.ts";

export type Api = <T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
) => Promise<{ status: number; body: T }>;

/** A JSON client of the Worker at `base`. */
export function apiOf(base: () => string): Api {
  return async <T = unknown>(method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T,
    };
  };
}

/** Every message of the room, oldest first. */
export async function everything(api: Api, room: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let cursor = 0; ; ) {
    const page = await api<{ comments: Message[]; cursor: number; hasMore: boolean }>(
      "GET",
      `/api/comments?room=${room}&cursor=${cursor}&limit=500`,
    );
    out.push(...page.body.comments);
    cursor = page.body.cursor;
    if (!page.body.hasMore) return out;
  }
}

export const human = (id: string, over: Record<string, unknown> = {}) => ({
  id,
  text: `text of ${id}`,
  username: "poster",
  color: "120180240",
  ...over,
});
