import { z } from "zod";

// The pages run under a CSP without 'unsafe-eval' (workers/page/security.ts). Zod's JIT probes for eval with
// `new Function`; the browser reports that as a CSP violation even though Zod catches the throw.
// `jitless` skips the probe and the JIT (Workers never allow eval anyway). It must run before any
// schema is built, so types/index.ts imports this module first.
z.config({ jitless: true });
