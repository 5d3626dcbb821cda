import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { createApiClient } from "./api-client.ts";
import { EntitiesFileError } from "./config/entities.ts";
import { openEntityStore } from "./config/entity-store.ts";
import { parseOptions, USAGE, UsageError } from "./config/options.ts";
import { createLogger } from "./log.ts";
import { chooseResponder } from "./probe.ts";
import { createBot } from "./worker-loop.ts";

/** Runs the bot until SIGINT/SIGTERM; resolves with the exit code. */
export async function main(argv: string[], env: Record<string, string | undefined>): Promise<number> {
  let config: ReturnType<typeof parseOptions>;
  try {
    config = parseOptions(argv, env, {
      entitiesFile: fileURLToPath(new URL("./entities.json", import.meta.url)),
      workerId: `${hostname()}-${process.pid}`,
    });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!config) {
    process.stdout.write(USAGE);
    return 0;
  }

  const log = createLogger({ json: config.json });
  let entities: ReturnType<typeof openEntityStore>;
  try {
    entities = openEntityStore(config.entitiesFile, log);
  } catch (error) {
    const reason =
      error instanceof EntitiesFileError
        ? error.message
        : `cannot read ${config.entitiesFile}: ${(error as Error).message}`;
    log.error("entities", reason);
    return 1;
  }

  const choice = await chooseResponder(config, entities.all(), log);
  const api = createApiClient({ baseUrl: config.apiUrl, token: config.token, room: config.room });
  const bot = createBot({ config, api, responder: choice.responder, entities, log });

  let signals = 0;
  const onSignal = (name: string) => {
    signals++;
    if (signals === 1) {
      log.info("stop", `${name}: claiming no more; finishing jobs in flight (send it again to release them at once)`);
      bot.stop();
    } else {
      log.info("stop", `${name} again: releasing jobs in flight now`);
      bot.abort();
    }
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));

  const code = await bot.run();
  choice.close();
  entities.close();
  return code;
}
