export { startDemoApp } from './demo-app.js';
export type { DemoAppOptions, RunningApp } from './demo-app.js';
