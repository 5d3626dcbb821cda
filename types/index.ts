export * from "./api.ts";
export * from "./archive.ts";
export * from "./errors.ts";
export * from "./live.ts";
export * from "./message.ts";
export * from "./moderation.ts";
export * from "./queue.ts";
export * from "./series.ts";
