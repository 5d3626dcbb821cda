import { readFileSync, type Stats, statSync } from "node:fs";
import type { Logger } from "../log.ts";
import { type Entity, parseEntities } from "./entities.ts";

export interface EntityStore {
  /** The entities as last loaded. Jobs keep the entity they started with, so a reload never disturbs them. */
  all(): Entity[];
  enabledIds(): string[];
  enabled(id: string): Entity | undefined;
  close(): void;
}

/**
 * Loads the entities file (throwing EntitiesFileError if it is bad) and reloads it whenever it
 * changes. A bad edit is reported and the previous entities stay in service. Polling the file's
 * stat (against the version actually loaded) survives editors that save by replacing the file and
 * edits made while the bot was starting, both of which a file watch can miss.
 */
export function openEntityStore(path: string, log: Logger, pollMs = 1_000): EntityStore {
  let loadedStat = statSync(path);
  let entities = parseEntities(readFileSync(path, "utf8"), path);
  describe(log, "loaded", path, entities);

  const checkForChange = () => {
    let current: Stats;
    try {
      current = statSync(path);
    } catch {
      if (loadedStat.nlink !== 0) log.warn("entities", `${path} disappeared; keeping the entities already loaded`);
      loadedStat = { ...loadedStat, nlink: 0 };
      return;
    }
    if (sameVersion(current, loadedStat)) return;
    loadedStat = current;
    try {
      entities = parseEntities(readFileSync(path, "utf8"), path);
      describe(log, "reloaded", path, entities);
    } catch (error) {
      log.error("entities", `${(error as Error).message}\nKeeping the entities already loaded.`);
    }
  };
  const timer = setInterval(checkForChange, pollMs);
  timer.unref();

  return {
    all: () => entities,
    enabledIds: () => entities.filter((e) => e.enabled).map((e) => e.id),
    enabled: (id) => entities.find((e) => e.id === id && e.enabled),
    close: () => clearInterval(timer),
  };
}

function sameVersion(a: Stats, b: Stats): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino && a.nlink === b.nlink;
}

function describe(log: Logger, verb: string, path: string, entities: Entity[]): void {
  const on = entities.filter((e) => e.enabled).map((e) => e.id);
  const off = entities.filter((e) => !e.enabled).map((e) => e.id);
  log.info("entities", `${verb} ${path}: serving ${on.join(", ") || "nobody"}`, {
    enabled: on.join(","),
    disabled: off.join(",") || undefined,
  });
  if (on.length === 0) log.warn("entities", "no entity is enabled: this bot will claim nothing until one is");
}
