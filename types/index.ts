// First: configures zod before any schema below is built.
import "./zod-setup.ts";

export * from "./api.ts";
export * from "./archive.ts";
export * from "./credentials.ts";
export * from "./errors.ts";
export * from "./live.ts";
export * from "./message.ts";
export * from "./moderation.ts";
export * from "./names.ts";
export * from "./page.ts";
export * from "./public-view.ts";
export * from "./queue.ts";
export * from "./series.ts";
