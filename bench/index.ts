// `npm run bench`: every benchmark, one after the other, each printing its own table; last the
// operations table of issue 8 (bench/ops.ts), which reuses the figures measured above instead of
// measuring them again, and adds the daemons' ingest and memory.
import { main as accuracy } from './accuracy.ts';
import { main as analyze } from './analyze.ts';
import { main as deliver } from './deliver.ts';
import { main as detect } from './detect.ts';
import { main as digest } from './digest.ts';
import { main as ingest } from './ingest.ts';
import { main as language } from './language.ts';
import { main as ops } from './ops.ts';
import { main as replay } from './replay.ts';

accuracy();
const analyzed = analyze();
await language();
const replayed = await replay();
await detect();
const ingested = await ingest();
const deliveries = await deliver();
await digest();
await ops({ ingest: ingested, analyze: analyzed, replay: replayed, deliveries });
