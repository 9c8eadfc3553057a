import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');

/**
 * Which of `pids` holds the IPv4 TCP connection from local port `port` to `serverPort`, read from
 * /proc (Linux): a fake server can then tell which daemon process sent a request. Undefined when
 * none of them does (or the connection is already gone).
 */
export function processOfConnection(
  peer: { port: number; serverPort: number },
  pids: number[],
): number | undefined {
  const local = `:${hexPort(peer.port)}`;
  const remote = `:${hexPort(peer.serverPort)}`;
  let inode: string | undefined;
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(local) && f[2]?.endsWith(remote)) inode = f[9];
  }
  if (!inode || inode === '0') return undefined;
  const link = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // that process is gone
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === link) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
