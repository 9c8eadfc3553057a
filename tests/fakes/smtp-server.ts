import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server (smtp-server) on a free local port that parses what it receives (mailparser).
 * `refuse(code, message)` makes the next message fail with that SMTP reply.
 */
export async function startSmtpServer(opts: { user?: string; password?: string } = {}) {
  const received: ParsedMail[] = [];
  const refusals: { code: number; message: string }[] = [];
  const server = new SMTPServer({
    authOptional: !opts.user,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, done) {
      if (auth.username === opts.user && auth.password === opts.password) done(null, { user: auth.username });
      else done(new Error('Invalid username or password'));
    },
    onData(stream, _session, done) {
      const refusal = refusals.shift();
      simpleParser(stream)
        .then((mail) => {
          if (refusal) {
            const err = new Error(refusal.message) as Error & { responseCode: number };
            err.responseCode = refusal.code;
            done(err);
            return;
          }
          received.push(mail);
          done();
        })
        .catch((err: Error) => done(err));
    },
  });
  // A client killed mid-session (a test SIGKILLs the daemon) resets its connection, which
  // smtp-server emits here: without a listener it would crash the test process.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const auth = opts.user
    ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.password ?? '')}@`
    : '';
  return {
    received,
    url: `smtp://${auth}127.0.0.1:${port}`,
    port,
    refuse: (code: number, message: string) => refusals.push({ code, message }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
