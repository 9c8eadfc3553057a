// `npm run bench`: every benchmark, one after the other, each printing its own table.
import { main as accuracy } from './accuracy.ts';
import { main as analyze } from './analyze.ts';
import { main as deliver } from './deliver.ts';
import { main as detect } from './detect.ts';
import { main as digest } from './digest.ts';
import { main as ingest } from './ingest.ts';
import { main as language } from './language.ts';
import { main as replay } from './replay.ts';

accuracy();
analyze();
await language();
await replay();
await detect();
await ingest();
await deliver();
digest();
