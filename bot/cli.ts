// Entry point of `npm run bot`. Node 22 runs this TypeScript directly (type stripping).
import { main } from "./main.ts";

process.exit(await main(process.argv.slice(2), process.env));
