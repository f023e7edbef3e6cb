/**
 * The live TCP connections, by id and by remote address:port. Reuse by remote address
 * covers connections a peer opened to us: responses go back over the connection the
 * request came in on (RFC 3261 §18.2.2), and requests to that peer may use it too
 * (connection reuse in the spirit of RFC 5923).
 */
import type { TcpConnection } from './tcp-connection.js';

export class TcpConnectionPool {
  private readonly byId = new Map<string, TcpConnection>();
  private readonly byRemote = new Map<string, TcpConnection[]>();

  get size(): number {
    return this.byId.size;
  }

  add(connection: TcpConnection): void {
    this.byId.set(connection.id, connection);
    const list = this.byRemote.get(connection.remoteKey);
    if (list) list.push(connection);
    else this.byRemote.set(connection.remoteKey, [connection]);
  }

  remove(connection: TcpConnection): void {
    this.byId.delete(connection.id);
    const list = this.byRemote.get(connection.remoteKey);
    if (!list) return;
    const at = list.indexOf(connection);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.byRemote.delete(connection.remoteKey);
  }

  get(id: string): TcpConnection | undefined {
    return this.byId.get(id);
  }

  /** The connection with this id, if it can still carry a send. */
  alive(id: string): TcpConnection | undefined {
    const connection = this.byId.get(id);
    return connection?.isAlive ? connection : undefined;
  }

  /** The newest connection to this remote that can still carry a send. */
  aliveTo(remoteKey: string): TcpConnection | undefined {
    const list = this.byRemote.get(remoteKey);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const connection = list[i];
      if (connection?.isAlive) return connection;
    }
    return undefined;
  }

  all(): TcpConnection[] {
    return [...this.byId.values()];
  }
}
