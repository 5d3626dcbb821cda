/** The room the e2e bot serves (playwright.config.ts starts it with `--room e2e-bot`). */
export const BOT_ROOM = "e2e-bot";
/** The entity the e2e bot answers as (tests/e2e/entities.json). */
export const ECHO = { id: "e2e-echo", username: "Echo", color: "120200150" } as const;
/** A second entity the e2e bot answers as, for messages that address two (E7). */
export const WREN = { id: "wren", username: "Wren", color: "200160230" } as const;
