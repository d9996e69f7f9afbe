/**
 * The connections one application opened (the database, Redis), closed together: at shutdown, and
 * also when the application fails to start. Nest closes nothing when a provider or an init hook
 * throws, and a connection left open (a database pool, ioredis reconnecting) would keep the
 * process alive: a CLI command that failed would never exit.
 */
export class OpenConnections {
  private readonly closers: (() => Promise<void>)[] = [];
  private closing = false;

  /**
   * Builds an application with its own set of connections; when that fails, closes what it had
   * opened before passing the error on.
   */
  static async closedOnFailure<T>(build: (connections: OpenConnections) => Promise<T>): Promise<T> {
    const connections = new OpenConnections();
    try {
      return await build(connections);
    } catch (error) {
      await connections.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Records how to close a connection just opened. One that arrives after `close` (a provider still
   * connecting when another one failed) is closed at once.
   */
  async add<T>(connection: T, close: (connection: T) => Promise<void>): Promise<T> {
    if (this.closing) await close(connection).catch(() => undefined);
    else this.closers.push(() => close(connection));
    return connection;
  }

  /** Closes every connection, the last opened first (the database, opened first, closes last). */
  async close(): Promise<void> {
    this.closing = true;
    let failure: unknown = null;
    for (const close of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== null) throw failure;
  }
}
