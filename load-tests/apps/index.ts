/** Call-control apps the load scenarios run against an engine. */
export { startMinimalB2bua } from './minimal-b2bua.js';
export type { MinimalB2bua, MinimalB2buaOptions } from './minimal-b2bua.js';
