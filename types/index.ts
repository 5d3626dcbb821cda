export * from "./api";
export * from "./message";
export * from "./queue";
