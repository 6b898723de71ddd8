import { fileURLToPath } from 'node:url';

/** Where the built console lives (index.html and assets/); the openidv server serves it at /console. */
export const consoleDistDir = fileURLToPath(new URL('./dist', import.meta.url));
