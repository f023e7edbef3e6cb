export { DEFAULT_PROMPT_DIR, PROMPTS, PROMPT_NAMES, PROMPT_SOURCES, digitPrompt, promptPath } from './prompts.js';
export type { PromptName, PromptSource } from './prompts.js';
export { PROMPT_SAMPLE_RATE, conditionSpeech, normalizePeak, renderTonePrompt, trimSilence } from './render-prompt.js';
export type { RenderResult } from './render-prompt.js';
