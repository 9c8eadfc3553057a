import type { Config, Env } from './config.ts';

/**
 * Secrets taken out of text that leaves the process (log lines, error messages that are stored or
 * printed). Key-based redaction in pino only sees fields; a secret also travels inside messages:
 * a receiver that quotes the request it refused, an API that echoes its URL with the key in it.
 * So the values themselves are removed, plus the shapes secrets always have (a Slack webhook's
 * path, a URL's password, a key-like query parameter) for values nobody told us about.
 */
export const CENSOR = '[secret]';

/** Shorter values would blank ordinary words and numbers. */
const MIN_LENGTH = 6;

const known = new Set<string>();
let ordered: string[] = [];

/** Env names whose values are secrets whatever they are used for. */
const SECRET_ENV = /SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|ROUTING_KEY|WEBHOOK|CREDENTIAL|PRIVATE|_AUTH/i;
/** Option keys (channels, sources) whose values are secrets; `url` is the webhook channel's. */
const SECRET_KEY = /secret|token|password|passwd|key$|^url$|webhook_url|smtp_url|credential/i;

const SLACK_HOOK = /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'\\<>]+/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\<>]*:)[^\s@/"'\\<>]+@/gi;
const PARAM_NAMES =
  'key|token|access_token|refresh_token|api_key|api-key|apikey|client_secret|secret|password|sig|signature|routing_key|auth';
const SECRET_PARAM = new RegExp(`([?&](?:${PARAM_NAMES})=)[^&#\\s"'\\\\<>]+`, 'gi');
const SECRET_PARAM_NAME = new RegExp(`^(?:${PARAM_NAMES})$`, 'i');

/** Remembers values to take out of everything `redact` sees from now on. */
export function rememberSecrets(values: Iterable<string>): void {
  for (const v of values) {
    if (v.length < MIN_LENGTH) continue;
    // Also as it appears inside a URL and inside a JSON string.
    for (const form of [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1)]) known.add(form);
  }
  // Longest first, so that a secret containing another is taken out whole.
  ordered = [...known].sort((a, b) => b.length - a.length);
}

/** `text` without any remembered secret nor anything shaped like one. */
export function redact(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(CENSOR);
  return out
    .replace(SLACK_HOOK, `$1${CENSOR}`)
    .replace(URL_PASSWORD, `$1${CENSOR}@`)
    .replace(SECRET_PARAM, `$1${CENSOR}`);
}

/** The secrets of the environment alone: known before the configuration is read. */
export function envSecrets(env: Env): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_ENV.test(name)) out.push(value);
    out.push(...urlSecrets(value, false));
  }
  return out;
}

/**
 * Every secret of a loaded configuration: what the environment holds (above), the values of
 * secret-like settings of channels and sources, and whatever was put into a setting from the
 * environment with `${NAME}` (that is how the README says to write secrets).
 */
export function configSecrets(config: Config, env: Env): string[] {
  const out = envSecrets(env);
  const options = [
    ...Object.values(config.channels).map((c) => c.options),
    ...config.brands.flatMap((b) => b.sources.map((s) => s.options)),
  ];
  const strings: string[] = [];
  for (const o of options)
    walk(o, '', (key, value) => {
      strings.push(value);
      if (SECRET_KEY.test(key)) out.push(value, ...urlSecrets(value, true));
      else out.push(...urlSecrets(value, false));
    });
  const fromEnv = Object.values(env).filter((v): v is string => !!v && v.length >= 8);
  for (const v of fromEnv) if (strings.some((s) => s.includes(v))) out.push(v);
  return out;
}

/** A URL's password and key-like parameters; with `whole`, its path and every parameter too. */
function urlSecrets(value: string, whole: boolean): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || !URL.canParse(value)) return [];
  const u = new URL(value);
  const out: string[] = [];
  if (u.password) out.push(u.password, decodeURIComponent(u.password));
  for (const [k, v] of u.searchParams) if (whole || SECRET_PARAM_NAME.test(k)) out.push(v);
  if (whole && u.pathname.length >= 12) out.push(u.pathname);
  return out;
}

function walk(value: unknown, key: string, visit: (key: string, value: string) => void): void {
  if (typeof value === 'string') visit(key, value);
  else if (Array.isArray(value)) for (const v of value) walk(v, key, visit);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, k, visit);
}
