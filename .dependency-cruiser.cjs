// The layering rules of ../shared/design/architecture.md §2, checked in CI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'call-is-pure',
      comment: 'src/call is the pure core: it imports nothing but src/call (no node builtins, no packages).',
      severity: 'error',
      from: { path: '^src/call/' },
      to: { pathNot: '^src/call/' },
    },
    {
      name: 'sip-knows-no-calls',
      comment: 'src/sip knows nothing of calls, users, state, media or CRM.',
      severity: 'error',
      from: { path: '^src/sip/' },
      to: { path: '^src/(call|b2bua|media|state|events|crm)/' },
    },
    {
      name: 'b2bua-never-imports-sip',
      comment: 'src/b2bua must run unchanged against a real drachtio-server.',
      severity: 'error',
      from: { path: '^src/b2bua/' },
      to: { path: '^src/sip/' },
    },
    {
      name: 'adapters-are-independent',
      comment: 'media, state, events and crm implement interfaces owned by their consumer and never import each other.',
      severity: 'error',
      from: { path: '^src/(media|state|events)/' },
      to: { path: '^src/(media|state|events|crm)/', pathNot: '^src/$1/' },
    },
    {
      name: 'crm-is-independent',
      comment: 'The same rule for crm, which may also read the call-event schema (next rule).',
      severity: 'error',
      from: { path: '^src/crm/' },
      to: { path: '^src/(media|state|events)/', pathNot: '^src/events/index\\.ts$' },
    },
    {
      name: 'crm-reads-only-the-event-schema',
      comment: 'crm may import types (the call-event schema) from the events index, and nothing else of another adapter.',
      severity: 'error',
      from: { path: '^src/crm/' },
      to: { path: '^src/events/index\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-through-index',
      comment: 'Each folder exposes an index.ts; nothing reaches deeper into another top-level folder.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
