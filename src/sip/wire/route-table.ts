/**
 * The verb → app registry of an inbound drachtio server (wire protocol §3.3, §5.2):
 * a multimap from lower-case verb (`invite`, `register`, `cdr:stop`, …) to the app
 * connections that sent `route|<verb>`, with round-robin selection per verb.
 */

/** What the table needs to know about an app. */
export interface Routable {
  readonly id: string;
  readonly alive: boolean;
}

interface VerbEntry<A> {
  apps: A[];
  /** Where the next selection starts (taken modulo the current count). */
  offset: number;
}

export class RouteTable<A extends Routable> {
  private readonly verbs = new Map<string, VerbEntry<A>>();

  /**
   * Adds one entry. Duplicates are kept, as the server does (§3.3): srf re-sends every
   * verb it knows each time a new one is registered after connecting, so an app may
   * hold several entries for a verb — and then gets proportionally more turns, as with
   * drachtio-server.
   */
  add(verb: string, app: A): void {
    const key = verb.toLowerCase();
    const entry = this.verbs.get(key);
    if (entry) entry.apps.push(app);
    else this.verbs.set(key, { apps: [app], offset: 0 });
  }

  /**
   * Removes every entry of `app`, whatever the verb. Used both when an app goes away
   * and for `remove_route`, where removing everything is the server's quirk (§5.2).
   */
  removeApp(app: A): void {
    for (const [verb, entry] of this.verbs) {
      const kept = entry.apps.filter((a) => a !== app);
      if (kept.length === entry.apps.length) continue;
      if (kept.length === 0) this.verbs.delete(verb);
      else entry.apps = kept;
    }
  }

  /**
   * Round-robin per verb (§3.3): start at `offset % count`, skip apps that are no
   * longer alive and drop them on the way (lazily, like the server: a socket can be
   * dead before its close event has run), then move the offset past the chosen one.
   */
  select(verb: string): A | undefined {
    const key = verb.toLowerCase();
    const entry = this.verbs.get(key);
    if (!entry) return undefined;
    const apps = entry.apps;
    while (apps.length > 0) {
      const index = entry.offset % apps.length;
      const app = apps[index] as A;
      if (!app.alive) {
        apps.splice(index, 1);
        continue;
      }
      entry.offset = index + 1;
      return app;
    }
    this.verbs.delete(key);
    return undefined;
  }

  /** The apps currently routed for `verb`, in table order (duplicates included). */
  appsFor(verb: string): readonly A[] {
    return this.verbs.get(verb.toLowerCase())?.apps ?? [];
  }

  /** verb → app ids, for diagnostics and tests. */
  snapshot(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [verb, entry] of this.verbs) out[verb] = entry.apps.map((a) => a.id);
    return out;
  }

  clear(): void {
    this.verbs.clear();
  }
}
