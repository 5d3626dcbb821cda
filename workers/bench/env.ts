import type { Bindings } from "../app-env";
import type { BenchBaseline } from "./baseline";
import type { FanoutBaseline } from "./fanout-baseline";
import type { Room } from "./room";

/** The bench Worker's bindings (wrangler.bench.toml): production's plus the baselines. */
export interface BenchBindings extends Omit<Bindings, "ROOM"> {
  ROOM: DurableObjectNamespace<Room>;
  BENCH: DurableObjectNamespace<BenchBaseline>;
  FANOUT: DurableObjectNamespace<FanoutBaseline>;
}
