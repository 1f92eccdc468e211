import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * Keeps a moved database reachable on its old port while services move: every connection to
 * 127.0.0.1:`from` is piped to 127.0.0.1:`to`, byte for byte. In production this is the job of a
 * pgbouncer, an HAProxy or a DNS alias kept for the length of the migration.
 */
export class PortRelay {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly from: number,
    readonly to: number,
  ) {}

  static async open(from: number, to: number): Promise<PortRelay> {
    const server = createServer();
    const relay = new PortRelay(server, from, to);
    server.on('connection', (client) => relay.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`cannot serve the old database port ${from}: ${error.code === 'EADDRINUSE' ? 'another process took it' : error.message}`)),
      );
      server.listen(from, '127.0.0.1', resolve);
    });
    return relay;
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.to, '127.0.0.1');
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      // Either side failing ends both: the client sees a closed connection, as it would from the database.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  /** Stops listening and cuts every connection still open. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
