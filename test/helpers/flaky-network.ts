// A TCP relay between a client and the engine that a test can cut and restore, like a phone's network
// in a tunnel. It forwards bytes and nothing else: HTTP and WebSocket pass through unchanged, and a cut
// drops every open connection without a close frame (the client sees 1006, as on a real drop).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FlakyNetwork {
  /** The port clients connect to (127.0.0.1). */
  port: number;
  /** TCP connections clients opened so far. */
  connections: number;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function flakyNetwork(targetPort: number): Promise<FlakyNetwork> {
  const open = new Set<Socket>();
  let up = true;
  const net: FlakyNetwork = {
    port: 0,
    connections: 0,
    cut() {
      up = false;
      for (const s of open) s.destroy();
      open.clear();
    },
    restore() {
      up = true;
    },
    close: () => {
      net.cut();
      return new Promise((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((client) => {
    net.connections++;
    if (!up) return void client.destroy();
    const upstream = connect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    // A side that fails takes the other down at once; a side that closes lets the other flush first (the
    // engine's close frame on shutdown must reach the client).
    const link = (a: Socket, b: Socket) => {
      a.on('error', () => b.destroy());
      a.on('close', () => {
        open.delete(a);
        b.end();
      });
    };
    link(client, upstream);
    link(upstream, client);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const addr = server.address();
  net.port = typeof addr === 'object' && addr ? addr.port : 0;
  return net;
}
