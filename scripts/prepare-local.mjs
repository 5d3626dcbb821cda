// Makes a fresh clone runnable before anything was built: local secrets from the example, and a
// placeholder app folder for the Worker's static assets. Plain Node (runs on 20 or 22).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (!existsSync(join(root, ".dev.vars"))) {
  copyFileSync(join(root, ".dev.vars.example"), join(root, ".dev.vars"));
  console.log("[prepare] created .dev.vars from .dev.vars.example (local tokens: dev-bot-token, dev-admin-token)");
}

const out = join(root, "out");
if (!existsSync(join(out, "index.html"))) {
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, "index.html"),
    "<!doctype html><title>Say What Want</title><p>The app is not built yet. Run <code>npm run build</code>; the API is live under <code>/api</code>.</p>\n",
  );
}
