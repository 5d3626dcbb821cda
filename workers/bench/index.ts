// The bench build (wrangler.bench.toml, used by `npm run bench` and bench/lib/worker-process.ts):
// the production Worker unchanged, plus the baselines the benchmarks measure it against. Nothing
// here is imported by workers/index.ts, so none of it is in the production bundle
// (tests/integration/production-bundle.test.ts checks).
import app from "../index";
import type { BenchBindings } from "./env";
import { benchRoutes } from "./routes";

export { Credentials } from "../credentials/object";
export { BenchBaseline } from "./baseline";
export { FanoutBaseline } from "./fanout-baseline";
export { Room } from "./room";

/** Per bindings object, the same bindings with the flood guard off (config() caches per object). */
const unguarded = new WeakMap<object, BenchBindings>();

function withoutFloodGuard(env: BenchBindings): BenchBindings {
  let off = unguarded.get(env);
  if (!off) {
    off = { ...env, POST_FLOOD_GUARD: "0" };
    unguarded.set(env, off);
  }
  return off;
}

export default {
  fetch(request, env, ctx) {
    if (request.url.includes("/api/_bench/")) return benchRoutes.fetch(request, env, ctx);
    // bench/rate-limit.ts compares posting with and without the Worker's flood guard in one
    // Worker: `x-bench-flood-guard: off` runs the request as if POST_FLOOD_GUARD were "0".
    const guardOff = request.headers.get("x-bench-flood-guard") === "off";
    // The production app is typed for production's bindings; the bench ones are a superset.
    const bindings = (guardOff ? withoutFloodGuard(env) : env) as unknown as Parameters<typeof app.fetch>[1];
    return app.fetch(request, bindings, ctx);
  },
} satisfies ExportedHandler<BenchBindings>;
