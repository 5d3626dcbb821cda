import type { Bindings } from "../app-env";
import type { Credentials } from "./object";

/** The shape of a token this Worker issues: 32 random bytes, base64url without padding. */
const ISSUED_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newBotToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Hex SHA-256: tokens are 256 random bits, so a fast unsalted hash is enough to make the store useless to a thief. */
export async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Only a string that could be one of ours is worth a round trip to the registry. */
export function couldBeIssued(token: string): boolean {
  return ISSUED_TOKEN.test(token);
}

/** The singleton registry of named bot tokens. */
export function credentialsStub(env: Bindings): DurableObjectStub<Credentials> {
  const ns = env.CREDENTIALS;
  return ns.get(ns.idFromName("credentials"));
}
