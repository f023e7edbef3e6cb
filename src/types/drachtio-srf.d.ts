/**
 * Fills a gap in the types that drachtio-srf 5.0.29 ships itself (package.json "types":
 * lib/@types/index.d.ts). Those types are used as they are; this file only AUGMENTS them.
 * It deliberately does not `declare module` from scratch: an ambient declaration would
 * replace the shipped types for every file of the program.
 *
 * Known mismatches between the shipped types and the runtime that an augmentation cannot
 * fix (they are on the class, which `export =` keeps closed):
 * - `srf.connect()` is declared to return a Promise; at runtime it returns the app and
 *   reports through the 'connect' event (err, hostport). Listen for the event.
 * - `srf.register/options/info/message/...` exist at runtime (one per SIP method) but
 *   only `invite` is declared; use the declared `srf.use('register', handler)`.
 */
export {};

declare module 'drachtio-srf' {
  interface SrfRequest {
    /**
     * "address:port" of the SIP endpoint of the engine that received this request; set
     * by drachtio-srf from the wire message when the server sends it (drachtio-agent.js).
     */
    receivedOn?: string;
  }
}
