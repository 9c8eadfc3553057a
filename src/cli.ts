import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { constants as osConstants, userInfo } from 'node:os';
import { readModel, type AdaptedModel } from './analysis/adapt.ts';
import { systemClock } from './clock.ts';
import type { SimulateCliOptions } from './commands/simulate.ts';
import type { Config, LoadOptions } from './config.ts';
import { ConfigError, errorMessage, UsageError } from './errors.ts';
import { configSecrets, envSecrets, redact, rememberSecrets } from './redact.ts';

// A .env file (EARSHOT_ENV_FILE, default ./.env; empty for none) is read if present; the real
// environment wins over it.
const envFile = process.env.EARSHOT_ENV_FILE ?? '.env';
if (envFile && existsSync(envFile)) process.loadEnvFile(envFile);
const env = process.env;
rememberSecrets(envSecrets(env));

/** The configuration, its secrets remembered so that no log line or message shows them. */
async function loadConfig(opts: LoadOptions): Promise<Config> {
  // Imported here: `earshot analyze` and `simulate` read no config, and its schemas take a fifth of a second.
  const { loadConfig: readConfig } = await import('./config.ts');
  const config = readConfig(opts);
  rememberSecrets(configSecrets(config, env));
  return config;
}

/** Exits with a one-line reason (a config error lists every problem): never a stack trace. */
function fail(err: unknown): never {
  if (err instanceof ConfigError || err instanceof UsageError) {
    process.stderr.write(`earshot: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`earshot: ${redact(errorMessage(err).split('\n')[0] ?? '')}\n`);
  process.exit(1);
}

/** The configured database, its module loaded only by the commands that open one. */
async function openStore(config: Config) {
  const { connectStore } = await import('./db/client.ts');
  return connectStore(config.settings.database);
}

function inputOf(file: string | undefined): NodeJS.ReadableStream {
  if (!file || file === '-') return process.stdin;
  const stream = createReadStream(file);
  stream.on('error', (err) =>
    fail(new Error(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)),
  );
  return stream;
}

function readModelFile(file: string): AdaptedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the model ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
  try {
    return readModel(JSON.parse(text), file);
  } catch (err) {
    throw new Error(err instanceof SyntaxError ? `${file} is not JSON` : errorMessage(err), { cause: err });
  }
}

function whoAmI(): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'someone';
  }
}

const program = new Command('earshot')
  .description('Hears what the public says about your brand and tells the right people, fast.')
  .option(
    '-c, --config <file>',
    'configuration file (default: $EARSHOT_CONFIG, config/earshot.yml, else the example)',
  )
  .showHelpAfterError()
  .exitOverride();

const configFile = (): string | undefined => program.opts<{ config?: string }>().config;

program
  .command('start')
  .description('run the daemon: poll sources, detect incidents, deliver alerts')
  .action(async () => {
    const config = await loadConfig({ file: configFile(), env, requireBrands: true });
    const [{ createLogger }, { startDaemon }] = await Promise.all([
      import('./log.ts'),
      import('./daemon.ts'),
    ]);
    const log = createLogger(config.settings.logLevel);
    const daemon = await startDaemon({ config, env, log });
    let stopping = false;
    const stop = (signal: 'SIGTERM' | 'SIGINT') => {
      if (stopping) {
        log.warn(`${signal} again: exiting now; what was running is left for the next start`);
        // 128 + the signal's number, as a shell reports a process the signal ended.
        process.exit(128 + osConstants.signals[signal]);
      }
      stopping = true;
      log.info(`${signal}: finishing running jobs, then stopping (send it again to exit at once)`);
      daemon.shutdown().then(
        (finished) => process.exit(finished ? 0 : 1),
        (err: unknown) => fail(err),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${errorMessage(err)}`));
  });

program
  .command('poll')
  .description('poll every configured source once, then detect and deliver, and exit')
  .requiredOption('--once', 'poll once and exit (the daemon polls on its schedule)')
  .action(async () => {
    const config = await loadConfig({ file: configFile(), env, requireBrands: true });
    const [{ createLogger }, { pollOnce, startDaemon }] = await Promise.all([
      import('./log.ts'),
      import('./daemon.ts'),
    ]);
    const daemon = await startDaemon({
      config,
      env,
      log: createLogger(config.settings.logLevel),
      schedule: false,
    });
    try {
      await pollOnce(daemon);
    } finally {
      await daemon.stop();
    }
  });

program
  .command('analyze')
  .description('score JSON Lines of texts: sentiment, intents, language (one JSON line out per line in)')
  .option('-i, --input <file>', 'read this file instead of stdin')
  .option('-m, --model <file>', 'a sentiment model made by `earshot train`')
  .option('-e, --explain', 'add the words and rules that moved each score')
  .action(async (o: { input?: string; model?: string; explain?: boolean }) => {
    const model = o.model ? readModelFile(o.model) : undefined;
    const { runAnalyze } = await import('./commands/analyze.ts');
    process.exitCode = await runAnalyze({
      input: inputOf(o.input),
      output: process.stdout,
      errors: process.stderr,
      ...(model ? { model } : {}),
      ...(o.explain ? { explain: true } : {}),
    });
  });

program
  .command('train')
  .description("learn a brand's or a domain's sentiment from labelled mentions (CSV or JSON Lines)")
  .argument('<file>', 'rows with `text` and `label` (negative, neutral or positive)')
  .option('-n, --name <name>', 'what the model is for (default: the file name)')
  .option('-o, --out <file>', 'where to write the model (default: ./data/models/NAME.json)')
  .option('--hold-out <share>', 'share of rows kept aside to measure the model', '0.2')
  .action(async (file: string, o: { name?: string; out?: string; holdOut: string }) => {
    const share = Number(o.holdOut);
    if (!(share > 0 && share < 1)) throw new Error(`--hold-out ${o.holdOut}: give a share between 0 and 1`);
    const name = o.name ?? path.basename(file).replace(/\.[^.]+$/, '');
    const out = o.out ?? path.join('data', 'models', `${name}.json`);
    const { runTrain, saveModel } = await import('./commands/train.ts');
    const r = runTrain({ file, name, holdOut: share });
    saveModel(r.model, out);
    const pct = (x: number) => `${x.toFixed(1)} %`;
    for (const s of r.skipped.slice(0, 5)) process.stderr.write(`line ${s.line}: skipped, ${s.why}\n`);
    if (r.skipped.length > 5) process.stderr.write(`… and ${r.skipped.length - 5} more lines skipped\n`);
    process.stdout.write(
      [
        `trained "${name}" on ${r.rows - r.heldOut} of ${r.rows} labelled rows (${r.skipped.length} skipped); measured on the other ${r.heldOut}:`,
        `  accuracy      ${pct(r.before.accuracy)} before, ${pct(r.after.accuracy)} after`,
        `  macro recall  ${pct(r.before.macroRecall)} before, ${pct(r.after.macroRecall)} after`,
        `model written to ${out} (${Object.keys(r.model.terms).length} learned terms); use it with`,
        `  sentiment_model: ${out}    (in a brand of the config), or earshot analyze --model ${out}`,
        '',
      ].join('\n'),
    );
  });

program
  .command('replay')
  .description(
    'run the pipeline on recorded observations in simulated time and print the alerts it would send',
  )
  .argument('[file]', 'JSON Lines of observations (default: stdin)')
  .option('--report', 'print a summary of alerts per brand and day on stderr')
  .action(async (file: string | undefined, o: { report?: boolean }) => {
    const cf = configFile();
    const config = await loadConfig({ file: cf ?? null, env });
    const { runReplay } = await import('./commands/replay.ts');
    process.exitCode = await runReplay({
      input: inputOf(file),
      output: process.stdout,
      errors: process.stderr,
      config,
      report: o.report ?? false,
    });
  });

program
  .command('simulate')
  .description('write observations of a realistic scenario (JSON Lines, replay input), and its ground truth')
  .requiredOption(
    '-s, --scenario <name>',
    'quiet, outrage, souring, viral, launch, positive_viral, silence, unanswered or mixed',
  )
  .option('-b, --brands <n>', 'how many brands (default 1; 8 for mixed)')
  .option('-d, --days <d>', 'how many days of traffic', '14')
  .option('--seed <s>', 'the same seed gives the same stream', '1')
  .option('--start <time>', 'when the stream begins (ISO 8601)', '2026-01-05T00:00:00Z')
  .option('-r, --rate <n>', 'everyday mentions an hour per brand (default: 6 to 40, drawn per brand)')
  .option('-o, --out <file>', 'write the observations here instead of stdout')
  .option('-t, --truth <file>', 'write the ground truth (JSON) here')
  .action(async (o: SimulateCliOptions) => {
    const { outputOf, runSimulate, simulateOptions } = await import('./commands/simulate.ts');
    const opts = simulateOptions(o);
    const out = outputOf(o.out);
    out.on('error', (err: NodeJS.ErrnoException) => {
      // A reader that has seen enough (`| head`) closes the pipe: that is not a failure.
      if (err.code === 'EPIPE' && out === process.stdout) process.exit(0);
      fail(new Error(`cannot write ${o.out ?? 'stdout'}: ${err.code ?? err.message}`));
    });
    await runSimulate(opts, out, o.truth);
    if (out !== process.stdout) await new Promise<void>((resolve) => out.end(resolve));
  });

program
  .command('demo')
  .description('replay a simulated outrage and show the alerts and incidents you would have received')
  .action(async () => {
    const { runDemo } = await import('./commands/demo.ts');
    await runDemo(process.stdout);
  });

program
  .command('migrate')
  .description('create or upgrade the database')
  .action(async () => {
    const config = await loadConfig({ file: configFile(), env });
    const store = await openStore(config);
    await store.close();
    process.stdout.write(`database ready: ${store.describe}\n`);
  });

const alertsCommand = program
  .command('alerts')
  .description('list the latest alerts and how each channel fared (sent, retrying, given up and why)')
  .option('-n, --limit <n>', 'how many alerts', '20')
  .option('-b, --brand <name>', 'only this brand')
  .action(async (o: { limit: string; brand?: string }) => {
    const limit = Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`--limit ${o.limit}: give a whole number above 0`);
    const config = await loadConfig({ file: configFile(), env });
    const store = await openStore(config);
    try {
      const { listAlerts } = await import('./commands/alerts.ts');
      process.stdout.write(await listAlerts(store, { limit, ...(o.brand ? { brand: o.brand } : {}) }));
    } finally {
      await store.close();
    }
  });

alertsCommand
  .command('retry')
  .description('send an alert again where its delivery was given up (the running daemon sends it)')
  .argument('<id>', 'the alert id, as `earshot alerts` shows it')
  .option('--channel <name>', 'only this channel (default: every channel that gave up)')
  .action(async (id: string, o: { channel?: string }) => {
    const config = await loadConfig({ file: configFile(), env });
    const store = await openStore(config);
    try {
      const { retryAlert } = await import('./commands/alerts.ts');
      process.stdout.write(await retryAlert(store, config, id, o.channel));
    } finally {
      await store.close();
    }
  });

program
  .command('ack')
  .description('acknowledge an incident: its escalation stops, PagerDuty hears of it')
  .argument('<incident>', 'the incident id, as alerts show it')
  .option('--by <name>', 'who acknowledges (default: your user name)')
  .action(async (incident: string, o: { by?: string }) => {
    const config = await loadConfig({ file: configFile(), env });
    const store = await openStore(config);
    try {
      const { runAck } = await import('./commands/ack.ts');
      process.stdout.write(
        await runAck(store, config, incident, o.by ?? whoAmI(), systemClock.now().getTime()),
      );
    } finally {
      await store.close();
    }
  });

program
  .command('backfill')
  .description(
    "fetch a brand's past mentions from its sources back to a date (resumable; the live polls go on)",
  )
  .requiredOption('-b, --brand <name>', 'the brand')
  .requiredOption('--since <date>', 'how far back: 2026-10-01, an ISO 8601 time, or a duration like 30d')
  .option('-s, --source <key>', 'only this source of the brand (its name in the config, e.g. hackernews)')
  .action(async (o: { brand: string; since: string; source?: string }) => {
    const config = await loadConfig({ file: configFile(), env });
    const [{ planBackfill, runBackfill }, { createLogger }, { createHttp }] = await Promise.all([
      import('./commands/backfill.ts'),
      import('./log.ts'),
      import('./sources/http.ts'),
    ]);
    const plan = planBackfill(config, o, systemClock.now().getTime());
    const store = await openStore(config);
    const stop = new AbortController();
    const interrupt = () => {
      // A second Ctrl-C does not wait for the page being read.
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
    };
    process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
    try {
      process.exitCode = await runBackfill({
        config,
        store,
        env,
        log: createLogger(config.settings.logLevel),
        http: createHttp({ timeoutMs: config.settings.timeoutMs, userAgent: config.settings.userAgent }),
        clock: systemClock,
        plan,
        out: process.stderr,
        signal: stop.signal,
      });
    } finally {
      await store.close();
    }
  });

program
  .command('digest')
  .description(
    "build a brand's or a team's daily (or weekly) report for any day, as an HTML file; nothing is sent",
  )
  .option('-b, --brand <name>', 'the brand')
  .option('-t, --team <name>', 'a team of digest.teams instead: one report covering its brands')
  .option('-d, --date <YYYY-MM-DD>', "the brand's (or team's) local day (default: yesterday there)")
  .option('--week', 'the week ending on that day instead')
  .option(
    '-o, --out <file>',
    'where to write the HTML (default: data/digests/<brand>-<date>.html, team-<team>-<date>.html)',
  )
  .action(async (o: { brand?: string; team?: string; date?: string; week?: boolean; out?: string }) => {
    const config = await loadConfig({ file: configFile(), env });
    const store = await openStore(config);
    try {
      const { runDigest } = await import('./commands/digest.ts');
      process.stdout.write(await runDigest(store, config, o, systemClock.now().getTime()));
    } finally {
      await store.close();
    }
  });

program
  .command('doctor')
  .description('check the config, database, Redis, sources and channels, without sending alerts')
  .action(async () => {
    const { runDoctor } = await import('./commands/doctor.ts');
    process.exitCode = await runDoctor({ file: configFile(), env, out: process.stdout });
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // A command line commander cannot read (a missing or unknown option) is a usage error: 2.
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  fail(err);
}
