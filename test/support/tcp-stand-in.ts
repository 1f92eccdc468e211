import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * Plain TCP servers on free ports of 127.0.0.1 that are not what a check expects (silent, or
 * answering in another protocol), each handling its connections with `handle`.
 */
export class TcpStandIns {
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];

  async serve(handle: (socket: Socket) => void): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.push(socket);
      handle(socket);
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A server that accepts connections and never says a word. */
  silent(): Promise<number> {
    return this.serve((socket) => {
      socket.on('error', () => undefined);
    });
  }

  close(): void {
    for (const server of this.servers) server.close();
    for (const socket of this.sockets) socket.destroy();
  }
}

/**
 * Runs `exportName` of the compiled check module on `check` in a child process that has nothing
 * else to do: it exits by itself only when the check left no socket, timer or retry behind. The
 * child is killed after `limitMs`; `exited` says whether it had to be.
 */
export async function runAlone(module: string, exportName: string, check: object, limitMs: number): Promise<{ exited: boolean; out: string; ms: number }> {
  const script = `import { ${exportName} } from ${JSON.stringify(module)};
const outcome = await ${exportName}(${JSON.stringify(check)});
console.log(outcome.message);`;
  const started = Date.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  await once(child, 'exit');
  clearTimeout(timer);
  return { exited: !killed, out: out.trim(), ms: Date.now() - started };
}
