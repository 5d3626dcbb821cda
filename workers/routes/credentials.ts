import { Hono } from "hono";
import { createBotTokenSchema, revokeBotTokenSchema } from "../../types";
import type { AppEnv } from "../app-env";
import { requireAdmin } from "../auth";
import { credentialsStub, hashToken, newBotToken } from "../credentials/tokens";
import { readJson, unwrap } from "../http";

/** Named bot tokens, created and revoked with the admin token, without a redeploy. */
export const credentials = new Hono<AppEnv>();

credentials.use("/api/admin/tokens", requireAdmin);
credentials.use("/api/admin/tokens/*", requireAdmin);

credentials.get("/api/admin/tokens", async (c) => c.json({ tokens: unwrap(c, await credentialsStub(c.env).list()) }));

/** Answers the token once; only its hash is kept, so it cannot be shown again. */
credentials.post("/api/admin/tokens", async (c) => {
  const { name, entities } = await readJson(c, createBotTokenSchema);
  const token = newBotToken();
  const info = unwrap(c, await credentialsStub(c.env).create(name, entities, await hashToken(token)));
  return c.json({ success: true, token, info }, 201);
});

credentials.post("/api/admin/tokens/revoke", async (c) => {
  const { name } = await readJson(c, revokeBotTokenSchema);
  return c.json({ success: true, info: unwrap(c, await credentialsStub(c.env).revoke(name)) });
});
